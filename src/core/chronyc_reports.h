// SPDX-License-Identifier: ISC
// chronyc 4.3's reports (client.c process_cmd_*) from decoded cmdmon replies, as text or CSV
// (core/chronyc_format.h). A report that chronyc builds from several requests (sources: one
// N_SOURCES, then one SOURCE_DATA per index) is given as a header and one row per reply, so the
// caller prints each part when its reply arrives and an error status lands where chronyc prints
// it. A row function returns "" for a row chronyc leaves out (an unresolved source without -a).
//
// Signs are chrony's (core/cmdmon.h): the structs carry what chronyd sent.
#pragma once

#include <string>

#include "core/chronyc_format.h"
#include "core/cmdmon.h"

namespace tempus::core::chronyc {

std::string sources_header(bool verbose, bool csv);
std::string sources_row(const cmdmon::SourceData& s, bool all, const Naming& n);

std::string sourcestats_header(bool verbose, bool csv);
std::string sourcestats_row(const cmdmon::SourceStats& s, bool all, const Naming& n);

std::string selectdata_header(bool verbose, bool csv);
std::string selectdata_row(const cmdmon::SelectData& s, bool all, const Naming& n);

// authdata asks AUTH_DATA for each client or peer source (SOURCE_DATA first, for its address
// and mode): authdata_wanted() says whether chronyc asks for that source at all.
std::string authdata_header(bool verbose, bool csv);
bool authdata_wanted(const cmdmon::SourceData& s, bool all);
std::string authdata_row(const cmdmon::Address& address, const cmdmon::AuthData& a,
                         const Naming& n);

// ntpdata without an address asks every client or peer source with a real address
// (ntpdata_wanted()) and separates the reports with an empty line (`listed`).
bool ntpdata_wanted(const cmdmon::SourceData& s);
std::string ntpdata(const cmdmon::NtpData& d, bool listed, const Naming& n);

std::string tracking(const cmdmon::Tracking& t, const Naming& n);
std::string serverstats(const cmdmon::ServerStats& s, bool csv);
std::string smoothing(const cmdmon::Smoothing& s, bool csv);
std::string activity(const cmdmon::Activity& a, bool csv);
std::string sourcename(const std::string& name, bool csv);
// chronyc refuses a name with a character that is not isgraph(): "503"-less failure.
bool printable_name(const std::string& name);

// clients [-p N] [-k] [-r]: `nke` shows the NTS-KE columns instead of the command ones.
std::string clients_header(bool nke, bool csv);
std::string clients_row(const cmdmon::ClientAccess& c, bool nke, const Naming& n);

// manual list: the samples themselves are not in cmdmon::ManualList (tempusd keeps none).
std::string manual_list(const cmdmon::ManualList& m, bool csv);

// waitsync: one line per try, and whether the try meets the limits (0: no limit).
std::string waitsync_line(int attempt, const cmdmon::Tracking& t, bool csv);
bool waitsync_done(const cmdmon::Tracking& t, double max_correction, double max_skew_ppm);

}  // namespace tempus::core::chronyc
