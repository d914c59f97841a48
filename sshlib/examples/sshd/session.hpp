// sshlib-sshd's session channels (session.cpp).
#pragma once

#include "common.hpp"

#include <sshlib/channel.hpp>

#include <memory>

namespace sshd {

/// Serves one accepted session channel until it closes.
void start_session(worker& w, const server_state& s, std::shared_ptr<connection_info> conn,
                   sshlib::channel ch);

}  // namespace sshd
