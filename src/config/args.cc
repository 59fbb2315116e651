// SPDX-License-Identifier: ISC
// Args: argument counting, number/address conversion and error construction for handlers.
#include "config/parser_internal.h"

namespace tempus::config::detail {

Status Args::expect(size_t n) const { return expect_between(n, n); }

Status Args::expect_between(size_t lo, size_t hi) const {
  if (size() < lo)
    return core::Unexpected{
        error(ErrorKind::kMissingArgument, "missing argument for " + quoted(name_))};
  if (size() > hi)
    return core::Unexpected{
        error(ErrorKind::kTooManyArguments, "too many arguments for " + quoted(name_))};
  return {};
}

core::Result<int64_t, ConfigError> Args::integer(std::string_view what, std::string_view text,
                                                 int64_t lo, int64_t hi) const {
  const auto v = parse_integer(text);
  if (!v)
    return core::Unexpected{
        error(ErrorKind::kInvalidValue, "invalid " + std::string(what) + " " + quoted(text))};
  if (*v < lo || *v > hi) {
    return core::Unexpected{error(ErrorKind::kOutOfRange,
                                  "invalid " + std::string(what) + " " + quoted(text) + " (range " +
                                      std::to_string(lo) + ".." + std::to_string(hi) + ")")};
  }
  return *v;
}

core::Result<core::Duration, ConfigError> Args::seconds(std::string_view what,
                                                        std::string_view text) const {
  const auto v = parse_seconds(text);
  if (!v)
    return core::Unexpected{
        error(ErrorKind::kInvalidValue, "invalid " + std::string(what) + " " + quoted(text))};
  return *v;
}

core::Result<double, ConfigError> Args::real(std::string_view what, std::string_view text) const {
  const auto v = parse_real(text);
  if (!v)
    return core::Unexpected{
        error(ErrorKind::kInvalidValue, "invalid " + std::string(what) + " " + quoted(text))};
  return *v;
}

core::Result<core::IpAddress, ConfigError> Args::address(std::string_view what,
                                                         std::string_view text) const {
  const auto v = core::IpAddress::parse(text);
  if (!v.ok()) {
    return core::Unexpected{error(ErrorKind::kInvalidValue, "invalid " + std::string(what) + " " +
                                                                quoted(text) + " (" +
                                                                core::to_string(v.error()) + ")")};
  }
  return *v;
}

void warn_unsupported(const Args& a) { a.warn(quoted(a.name()) + " is not supported yet; ignored"); }

core::Result<std::string, ConfigError> Args::option_value(size_t& i) const {
  if (i + 1 >= size()) {
    return core::Unexpected{
        error(ErrorKind::kMissingArgument,
              "missing value for " + quoted(lowercase((*this)[i])) + " in " + quoted(name_))};
  }
  return (*this)[++i];
}

}  // namespace tempus::config::detail
