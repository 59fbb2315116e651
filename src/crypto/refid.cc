// SPDX-License-Identifier: ISC
#include "crypto/refid.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace tempus::crypto {

namespace {

EVP_MD* md5() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "MD5", "-fips");
  return md;
}

}  // namespace

bool init_refid() {
  OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, nullptr);
  // One digest now, so nothing is loaded lazily later inside the sandbox.
  return ref_id_of(core::IpAddress::loopback(core::IpFamily::kV6)) != 0 || md5() != nullptr;
}

uint32_t ref_id_of(const core::IpAddress& a) {
  if (a.is_v4()) return a.v4_value();
  EVP_MD* md = md5();
  if (!md) return 0;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const auto bytes = a.bytes();
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, md, nullptr) != 1 || len < 4) return 0;
  return uint32_t{digest[0]} << 24 | uint32_t{digest[1]} << 16 | uint32_t{digest[2]} << 8 |
         uint32_t{digest[3]};
}

}  // namespace tempus::crypto
