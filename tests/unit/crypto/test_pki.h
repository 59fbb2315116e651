// SPDX-License-Identifier: ISC
// A throw-away PKI for TLS tests: EC P-256 keys and X.509 certificates made at test time with
// OpenSSL's EVP API, written as PEM files into a temporary directory (removed by the destructor).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace tempus::test {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using CertPtr = std::unique_ptr<X509, X509Free>;

struct Identity {
  PkeyPtr key;
  CertPtr cert;
  std::string key_path;
  std::string cert_path;
};

class TestPki {
 public:
  TestPki() {
    char tmpl[] = "/tmp/tempus-pki-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
  }
  ~TestPki() { std::filesystem::remove_all(dir_); }
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::string& dir() const { return dir_; }

  // A self-signed CA.
  Identity ca(const std::string& name) { return issue(name, "", nullptr, true, 0, 3650); }

  // A leaf signed by `issuer` with subjectAltName `san` ("IP:127.0.0.1,DNS:ntp.test"), valid from
  // `from_days` to `to_days` relative to now.
  Identity leaf(const std::string& name, const std::string& san, const Identity& issuer,
                long from_days = 0, long to_days = 365) {
    return issue(name, san, &issuer, false, from_days, to_days);
  }

 private:
  Identity issue(const std::string& name, const std::string& san, const Identity* issuer,
                 bool is_ca, long from_days, long to_days) {
    Identity id;
    id.key.reset(EVP_EC_gen("P-256"));
    id.cert.reset(X509_new());
    if (!id.key || !id.cert) throw std::runtime_error("keygen");
    X509* c = id.cert.get();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(c), from_days * 86400 - 60);
    X509_gmtime_adj(X509_getm_notAfter(c), to_days * 86400);
    X509_set_pubkey(c, id.key.get());
    X509_NAME* subj = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(subj, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509* issuer_cert = issuer ? issuer->cert.get() : c;
    EVP_PKEY* issuer_key = issuer ? issuer->key.get() : id.key.get();
    X509_set_issuer_name(c, X509_get_subject_name(issuer_cert));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer_cert, c, nullptr, nullptr, 0);
    add_ext(c, &v3, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
    add_ext(c, &v3, NID_key_usage,
            is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    add_ext(c, &v3, NID_subject_key_identifier, "hash");
    if (!san.empty()) add_ext(c, &v3, NID_subject_alt_name, san.c_str());
    if (X509_sign(c, issuer_key, EVP_sha256()) == 0) throw std::runtime_error("sign");
    id.key_path = dir_ + "/" + name + ".key";
    id.cert_path = dir_ + "/" + name + ".crt";
    write(id.key_path, [&](FILE* f) {
      return PEM_write_PrivateKey(f, id.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    write(id.cert_path, [&](FILE* f) { return PEM_write_X509(f, c); });
    return id;
  }

  static void add_ext(X509* c, X509V3_CTX* v3, int nid, const char* value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, v3, nid, value);
    if (!ext) throw std::runtime_error("extension");
    X509_add_ext(c, ext, -1);
    X509_EXTENSION_free(ext);
  }

  template <class F>
  static void write(const std::string& path, F f) {
    FILE* fp = std::fopen(path.c_str(), "w");
    if (!fp) throw std::runtime_error("open " + path);
    const int ok = f(fp);
    std::fclose(fp);
    if (!ok) throw std::runtime_error("PEM write " + path);
  }

  std::string dir_;
  long serial_ = 0;
};

}  // namespace tempus::test
