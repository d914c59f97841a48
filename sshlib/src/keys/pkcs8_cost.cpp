#include "keys/pkcs8_cost.hpp"

#include <string>

namespace sshlib::keys {
namespace {

constexpr int max_depth = 8;
constexpr std::uint8_t tag_integer = 0x02;
constexpr std::uint8_t tag_sequence = 0x30;
constexpr std::uint8_t constructed = 0x20;

struct tlv {
  std::uint8_t tag = 0;
  byte_view value;
};

// One DER TLV from the front of in; advances in. False if malformed.
bool next_tlv(byte_view& in, tlv& out) {
  if (in.size() < 2) return false;
  out.tag = in[0];
  std::size_t len = in[1];
  std::size_t header = 2;
  if (len & 0x80) {
    const std::size_t n = len & 0x7f;
    if (n == 0 || n > 4 || in.size() < 2 + n) return false;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    header += n;
  }
  if (len > in.size() - header) return false;
  out.value = in.subspan(header, len);
  in = in.subspan(header + len);
  return true;
}

result<void> walk(byte_view in, std::uint32_t max_integer, int depth) {
  if (depth > max_depth) return error{errc::invalid_key_format, "encrypted PKCS#8: DER nested too deeply"};
  while (!in.empty()) {
    tlv t;
    if (!next_tlv(in, t)) return error{errc::invalid_key_format, "encrypted PKCS#8: malformed DER"};
    if (t.tag == tag_integer) {
      std::size_t i = 0;
      while (i < t.value.size() && t.value[i] == 0) ++i;
      std::uint64_t v = 0;
      if (t.value.size() - i > 4) v = UINT64_MAX;
      for (; i < t.value.size() && v != UINT64_MAX; ++i) v = (v << 8) | t.value[i];
      if (v > max_integer) {
        return error{errc::length_exceeds_limit, "encrypted PKCS#8: KDF parameter above the limit of " +
                                                     std::to_string(max_integer)};
      }
    } else if (t.tag & constructed) {
      if (auto r = walk(t.value, max_integer, depth + 1); !r) return r;
    }
  }
  return {};
}

}  // namespace

result<void> check_pkcs8_cost(byte_view der, std::uint32_t max_integer) {
  tlv outer, algorithm;
  byte_view in = der;
  if (!next_tlv(in, outer) || outer.tag != tag_sequence) {
    return error{errc::invalid_key_format, "encrypted PKCS#8: not a DER SEQUENCE"};
  }
  byte_view body = outer.value;
  if (!next_tlv(body, algorithm) || algorithm.tag != tag_sequence) {
    return error{errc::invalid_key_format, "encrypted PKCS#8: no encryption algorithm"};
  }
  return walk(algorithm.value, max_integer, 0);
}

}  // namespace sshlib::keys
