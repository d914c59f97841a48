#include <bastion/recording/lines.hpp>

#include <istream>

namespace bastion::recording {

line_status read_line(std::istream& in, std::string& line, std::size_t max) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  if (buf == nullptr) return line_status::end;
  for (;;) {
    // Peeked, not taken: a line over the cap leaves its next byte in the stream.
    const auto c = buf->sgetc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return line.empty() ? line_status::end : line_status::torn;
    }
    if (c == '\n') {
      buf->sbumpc();
      return line_status::complete;
    }
    if (line.size() == max) return line_status::too_long;
    line.push_back(static_cast<char>(c));
    buf->sbumpc();
  }
}

std::vector<split_line> line_splitter::feed(std::string_view bytes) {
  std::vector<split_line> lines;
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const auto piece = bytes.substr(0, nl);
    // Compared so that it cannot overflow: partial_ never exceeds max_.
    if (!overlong_ && piece.size() > max_ - partial_.size()) {
      overlong_ = true;
      partial_.clear();
    }
    if (!overlong_) partial_.append(piece);
    if (nl == std::string_view::npos) break;
    lines.push_back({std::move(partial_), overlong_});
    partial_.clear();
    overlong_ = false;
    bytes.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace bastion::recording
