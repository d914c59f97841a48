// known_hosts: parse arbitrary text (markers, pattern lists, hashed names, keys, junk),
// then check a fixed host key and its host certificate (CA in the seeds) under a few
// names and ports, and look them up. Nothing may crash, leak, or take long.
#include <sshlib/known_hosts.hpp>

#include <cstdlib>
#include <string_view>

namespace {

// A fixed ed25519 host key and a host certificate of it for "host.example", valid
// forever, from the CA ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILVRTQr8KU9wD1v6pplAHI2kOmM9c1BTAnaj/vVtmncF.
constexpr std::string_view host_key_line =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE//9lzq8LiF5krIXEuAa10hBEYHotdSVKGgYGO57Vgz";
constexpr std::string_view host_cert_line =
    "ssh-ed25519-cert-v01@openssh.com "
    "AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIGFvb4pBbSqNM976/ezyxUxAmPbd"
    "oFi18zqk9Zf+LumfAAAAIE//9lzq8LiF5krIXEuAa10hBEYHotdSVKGgYGO57VgzAAAAAAAAAAAAAAAC"
    "AAAACWZ1enotaG9zdAAAABAAAAAMaG9zdC5leGFtcGxlAAAAAAAAAAD//////////wAAAAAAAAAAAAAA"
    "AAAAADMAAAALc3NoLWVkMjU1MTkAAAAgtVFNCvwpT3APW/qmmUAcjaQ6Yz1zUFMCdqP+9W2adwUAAABT"
    "AAAAC3NzaC1lZDI1NTE5AAAAQLi3QIwgewYvlxQAOlssQ2GeesiE+iSZqir3hkFCprBZl7FcsVUgjGD1"
    "LAEFDQCxs1cLONPURATba9rmhQGd9Ac=";

sshlib::key must_parse(std::string_view line) {
  auto k = sshlib::parse_key(sshlib::as_bytes(line));
  if (!k) std::abort();
  return *k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  static const key plain = must_parse(host_key_line);
  static const key cert = must_parse(host_cert_line);
  auto kh = known_hosts::parse(as_string_view(byte_view(data, size)), "fuzz");
  if (!kh) return 0;
  constexpr std::uint64_t now = 1'700'000'000;
  for (const std::string_view host : {"host.example", "10.0.0.1", "pc.lab.example", "Web1"}) {
    for (const std::uint16_t port : {std::uint16_t{22}, std::uint16_t{2222}}) {
      (void)kh->check(host, port, plain, now);
      (void)kh->check(host, port, cert, now);
      (void)kh->lookup(host, port);
    }
  }
  return 0;
}
