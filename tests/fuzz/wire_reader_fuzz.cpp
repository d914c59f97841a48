// Reads an arbitrary sequence of wire fields driven by the input itself: every reader
// method must fail cleanly on any bytes, and whatever parses must re-encode canonically.
#include "wire/reader.hpp"
#include "wire/writer.hpp"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sshlib;
  wire::reader r(byte_view(data, size));
  std::uint8_t op = 0;
  while (r.read_byte(op)) {
    switch (op % 7) {
      case 0: { std::uint32_t v; (void)r.read_u32(v); break; }
      case 1: { std::uint64_t v; (void)r.read_u64(v); break; }
      case 2: { byte_view v; (void)r.read_string(v, 4096); break; }
      case 3: {
        wire::mpint m;
        if (r.read_mpint(m)) {
          bytes out;
          wire::writer(out).write_mpint(m);
          wire::reader back(out);
          wire::mpint again;
          if (!back.read_mpint(again) || !(again == m)) std::abort();
        }
        break;
      }
      case 4: { byte_view v; (void)r.read_unsigned_mpint(v); break; }
      case 5: {
        std::vector<std::string> names;
        if (r.read_name_list(names)) {
          bytes out;
          wire::writer(out).write_name_list(names);
          wire::reader back(out);
          std::vector<std::string> again;
          if (!back.read_name_list(again) || again != names) std::abort();
        }
        break;
      }
      default: { bool b; (void)r.read_bool(b); break; }
    }
  }
  return 0;
}
