// SPDX-License-Identifier: ISC
// NTPsec's NTS settings in ntp.conf: the `nts` directive and the NTS options of server/pool.
#include <algorithm>

#include "config/ntpconf_internal.h"

namespace tempus::config::ntp {
namespace {

using detail::quoted;

}  // namespace

// nts enable|disable | nts cert|key|ca FILE | nts OPTION VALUE
Status nts_directive(const Args& a, State& st) {
  if (a.empty()) return a.expect(1);
  const std::string sub = lowercase(a[0]);
  if (sub == "enable" || sub == "disable") {
    if (Status s = a.expect(1); !s.ok()) return s;
    st.nts_enabled = sub == "enable";
    return {};
  }
  if (Status s = a.expect(2); !s.ok()) return s;
  if (sub == "cert") {
    st.nts_cert = a[1];
  } else if (sub == "key") {
    st.nts_key = a[1];
  } else if (sub == "ca") {
    st.config().nts_trusted_certs.push_back(TrustedCerts{0, a[1]});
    st.note(a, "nts ca: trusted beside the system's certificates (add nosystemcert to trust "
               "only these)");
  } else if (sub == "mintls" || sub == "maxtls" || sub == "tlsciphersuites" ||
             sub == "tlsecdhcurves" || sub == "cookie" || sub == "aead") {
    a.warn("'nts " + sub + "' is not supported; ignored");
  } else {
    return core::Unexpected{
        a.error(ErrorKind::kUnknownOption, "unknown nts option " + quoted(a[0]))};
  }
  return {};
}

Status nts_source_option(const Args& a, size_t& i, State& st, std::vector<std::string>& words) {
  const std::string opt = lowercase(a[i]);
  if (opt == "noval") {
    a.warn("server option 'noval' (no certificate validation) is not supported; ignored");
    return {};
  }
  const auto v = a.option_value(i);
  if (!v.ok()) return core::Unexpected{v.error()};
  if (opt == "ca") {
    // A certificate set of its own for this source.
    std::vector<TrustedCerts>& sets = st.config().nts_trusted_certs;
    uint32_t id = 1;
    for (const TrustedCerts& t : sets) id = std::max(id, t.set_id + 1);
    sets.push_back(TrustedCerts{id, *v});
    words.insert(words.end(), {"certset", std::to_string(id)});
    return {};
  }
  a.warn("server option " + quoted(opt) + " is not supported; ignored");
  return {};
}

void finish_nts(State& st, const std::string& top_file) {
  if (!st.nts_enabled.value_or(false)) {
    if (st.nts_cert || st.nts_key)
      st.out.warnings.push_back(Warning{Location{top_file, 0},
                                        "nts cert/key without 'nts enable': no NTS-KE server"});
    return;
  }
  if (!st.nts_cert || !st.nts_key) {
    st.out.warnings.push_back(Warning{Location{top_file, 0},
                                      "'nts enable' without both 'nts cert' and 'nts key': no "
                                      "NTS-KE server"});
    return;
  }
  st.config().nts_server_certs.push_back(*st.nts_cert);
  st.config().nts_server_keys.push_back(*st.nts_key);
}

}  // namespace tempus::config::ntp
