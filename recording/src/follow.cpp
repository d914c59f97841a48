#include <bastion/recording/follow.hpp>

#include <algorithm>

namespace bastion::recording {

std::vector<event> tail_parser::feed(std::string_view bytes) {
  std::vector<event> events;
  if (error_) return events;
  for (auto& [text, overlong] : lines_.feed(bytes)) {
    ++line_;
    if (overlong) {
      error_ = read_error{line_, "longer than " + std::to_string(max_line_) + " bytes"};
      return events;
    }
    if (!header_) {
      auto h = parse_header(text, line_);
      if (!h) {
        error_ = std::move(h.error);
        return events;
      }
      header_ = std::move(h.value);
      continue;
    }
    auto e = parse_event(text, header_->fmt, line_, last_time_);
    if (!e) {
      error_ = std::move(e.error);
      return events;
    }
    last_time_ = e.value->time;
    if (e.value->code == "exit") exited_ = true;
    events.push_back(std::move(*e.value));
  }
  return events;
}

bool follow_finished(const follow_status& s, std::optional<double> quiet_exit) {
  if (s.exited || s.audit_closed) return true;
  return quiet_exit && s.seconds_quiet >= *quiet_exit;
}

std::optional<double> follow_wait(const follow_status& s, std::optional<double> quiet_exit) {
  if (!quiet_exit) return std::nullopt;
  return std::max(0.0, *quiet_exit - s.seconds_quiet);
}

}  // namespace bastion::recording
