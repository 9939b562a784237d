// Settings checks of the native API's transport (actors/native_transport): what the broker refuses at start
// instead of failing on the first connection. The attacks themselves run against a real broker process in
// tests/e2e/native_port_attack.sh.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "actors/native_transport.hpp"

using namespace samsa::actors;

TEST_CASE("native transport: loopback hosts") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("localhost"));
  CHECK(is_loopback_host("::1"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host(""));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
  CHECK_FALSE(is_loopback_host("1270.0.0.1"));
}

TEST_CASE("native transport: TLS settings are all or nothing and must load") {
  native_security none;
  CHECK(check_native_security(none).empty());
  CHECK_FALSE(none.tls());

  native_security partial;
  partial.cafile = "/nonexistent/ca.pem";
  CHECK(check_native_security(partial).find("needs all of") != std::string::npos);
  partial.certfile = "/nonexistent/node.pem";
  CHECK(check_native_security(partial).find("needs all of") != std::string::npos);

  native_security missing;
  missing.cafile = "/nonexistent/ca.pem";
  missing.certfile = "/nonexistent/node.pem";
  missing.keyfile = "/nonexistent/node.key";
  CHECK(missing.tls());
  CHECK(check_native_security(missing).find("cannot load the certificate /nonexistent/node.pem") != std::string::npos);

  auto dir = std::filesystem::temp_directory_path() / "samsa-native-transport-test";
  std::filesystem::create_directories(dir);
  auto junk = (dir / "junk.pem").string();
  std::ofstream{junk} << "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
  native_security bad = missing;
  bad.certfile = junk;
  CHECK(check_native_security(bad).find("cannot load the certificate") != std::string::npos);
  std::filesystem::remove_all(dir);
}
