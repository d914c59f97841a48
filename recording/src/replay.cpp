#include <bastion/recording/replay.hpp>

#include <algorithm>
#include <ostream>

namespace bastion::recording {

double play_delay(double previous, double time, const play_options& options) {
  if (options.speed <= 0) return 0;
  double gap = std::max(0.0, time - previous);
  if (options.idle_limit) gap = std::min(gap, *options.idle_limit);
  // A very small speed must not make a wait too long for a clock duration.
  return std::min(gap / options.speed, max_event_seconds);
}

bool write_output(const event& e, format f, std::ostream& out, std::ostream& err) {
  if (e.code == "o") {
    out.write(e.data.data(), static_cast<std::streamsize>(e.data.size()));
    return true;
  }
  if (f == format::streams && e.code == "e") {
    err.write(e.data.data(), static_cast<std::streamsize>(e.data.size()));
    return true;
  }
  return false;
}

std::optional<read_error> play(reader& r, std::ostream& out, std::ostream& err,
                               const play_options& options,
                               const std::function<void(double seconds)>& wait) {
  const format f = r.header().fmt;
  // Timing runs from the recording's start and from output to output: input and resizes
  // show nothing, so they do not split a pause.
  double previous = 0;
  while (auto e = r.next()) {
    if (e->code != "o" && !(f == format::streams && e->code == "e")) continue;
    if (const double d = play_delay(previous, e->time, options); d > 0) wait(d);
    previous = e->time;
    write_output(*e, f, out, err);
    out.flush();
    err.flush();
  }
  return r.error();
}

bool has_stream(format f, std::string_view code) {
  return code == "o" || code == "i" || (f == format::streams && code == "e");
}

cat_result cat_stream(reader& r, std::string_view code, std::ostream& out) {
  cat_result result;
  while (auto e = r.next()) {
    if (e->code == code)
      out.write(e->data.data(), static_cast<std::streamsize>(e->data.size()));
    else if (e->code == "cut" && e->data == code)
      result.cut = true;
  }
  result.error = r.error();
  return result;
}

}  // namespace bastion::recording
