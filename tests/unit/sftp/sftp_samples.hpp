// Sample messages shared by the SFTP codec tests: one of every request and response, with
// fields chosen so that every optional part is exercised somewhere.
#pragma once

#include "sftp/sftp_codec.hpp"

#include <sshlib/bytes.hpp>

#include <string>
#include <vector>

namespace sshlib::sftp::protocol::test {

/// Attributes with every field set, including two extended pairs.
file_attributes full_attributes();

/// One of every request alternative (index i holds alternative i).
std::vector<request> sample_requests();

/// One of every response alternative (index i holds alternative i).
std::vector<response> sample_responses();

/// The payload (type byte onwards) of a framed packet, checking that the prefix announces
/// its length.
bytes payload_of(const bytes& framed);

/// Encodes and returns the payload; fails the test when encoding fails.
bytes request_payload(const request& r);
bytes response_payload(const response& r);

}  // namespace sshlib::sftp::protocol::test
