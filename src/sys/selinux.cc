// SPDX-License-Identifier: ISC
#include "sys/selinux.h"

#include <selinux/selinux.h>

#include <cerrno>
#include <cstring>

#include "sys/log.h"

namespace tempus::sys {

namespace {

bool is_plain_type(std::string_view t) {
  if (t.empty()) return false;
  for (const char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_';
    if (!ok) return false;
  }
  return true;
}

// The offsets of the type field: [begin, end).
std::optional<std::pair<size_t, size_t>> type_span(std::string_view context) {
  const size_t user_end = context.find(':');
  if (user_end == std::string_view::npos || user_end == 0) return std::nullopt;
  const size_t role_end = context.find(':', user_end + 1);
  if (role_end == std::string_view::npos || role_end == user_end + 1) return std::nullopt;
  const size_t type_end = context.find(':', role_end + 1);
  // No range (a policy without MLS) is "user:role:type"; with one, the range may not be empty.
  if (type_end == context.size() - 1) return std::nullopt;
  const size_t end = type_end == std::string_view::npos ? context.size() : type_end;
  if (end == role_end + 1) return std::nullopt;
  return std::pair{role_end + 1, end};
}

}  // namespace

std::optional<std::string_view> context_type(std::string_view context) {
  const auto span = type_span(context);
  if (!span) return std::nullopt;
  return context.substr(span->first, span->second - span->first);
}

core::Result<std::string, std::string> context_with_type(std::string_view context,
                                                         std::string_view type) {
  const auto span = type_span(context);
  if (!span) return core::Unexpected{"not an SELinux context: '" + std::string(context) + "'"};
  if (!is_plain_type(type)) return core::Unexpected{"not an SELinux type: '" + std::string(type) + "'"};
  std::string out(context.substr(0, span->first));
  out += type;
  out += context.substr(span->second);
  return out;
}

core::Result<std::optional<std::string>, std::string> child_exec_context(
    const SelinuxState& st, std::string_view child_type) {
  if (st.mode == SelinuxMode::kDisabled) return std::optional<std::string>{};
  const auto type = context_type(st.context);
  if (!type) return core::Unexpected{"cannot read this process's context ('" + st.context + "')"};
  if (*type != kSelinuxParentType) return std::optional<std::string>{};
  auto ctx = context_with_type(st.context, child_type);
  if (!ctx) return core::Unexpected{ctx.error()};
  return std::optional<std::string>{std::move(*ctx)};
}

SelinuxState selinux_state() {
  SelinuxState st;
  if (is_selinux_enabled() != 1) return st;
  st.mode = security_getenforce() == 0 ? SelinuxMode::kPermissive : SelinuxMode::kEnforcing;
  char* con = nullptr;
  if (getcon(&con) == 0 && con) {
    st.context = con;
    freecon(con);
  }
  return st;
}

bool set_child_exec_context(const SelinuxState& st, std::string_view child_type,
                            const char* what) {
  auto ctx = child_exec_context(st, child_type);
  std::string error;
  if (ctx && !*ctx) return false;
  if (!ctx) {
    error = ctx.error();
  } else if (security_check_context((*ctx)->c_str()) != 0) {
    error = "the loaded policy has no context " + **ctx + " (is the tempusd module current?)";
  } else if (setexeccon((*ctx)->c_str()) != 0) {
    error = "setexeccon(" + **ctx + "): " + strerror(errno);
  } else {
    return true;
  }
  if (st.mode == SelinuxMode::kEnforcing)
    fatal("SELinux: cannot run the %s process in its own domain %.*s: %s", what,
          static_cast<int>(child_type.size()), child_type.data(), error.c_str());
  logf(Severity::kWarning, "SELinux (permissive): the %s process stays in the parent's domain: %s",
       what, error.c_str());
  return false;
}

void clear_exec_context() {
  if (setexeccon(nullptr) != 0) fatal("SELinux: setexeccon(NULL): %s", strerror(errno));
}

}  // namespace tempus::sys
