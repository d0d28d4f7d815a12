// TlsOptions: what a TLS context is built from, the values of Redis's tls-*
// directives (the server maps its ServerConfig onto this struct, so the io
// layer does not depend on the configuration module).
#pragma once

#include <cstdint>
#include <string>

namespace runnel::io::tls {

// Redis's tls-auth-clients, in Redis's enum order (CONFIG GET prints by name).
enum class ClientAuth : uint8_t {
  kNo,        // no client certificate is asked for
  kYes,       // a certificate signed by the CA is required (Redis's default)
  kOptional,  // asked for; a client without one is accepted, a bad one is not
};

struct TlsOptions {
  std::string cert_file;      // PEM, the server certificate (and chain)
  std::string key_file;       // PEM, its private key
  std::string key_file_pass;  // passphrase of an encrypted key; empty: none
  std::string ca_cert_file;   // PEM bundle of CAs client certificates are checked against
  std::string ca_cert_dir;    // or a directory of hashed CA certificates (c_rehash)
  ClientAuth auth_clients = ClientAuth::kYes;
  // Space-separated subset of "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"; empty: TLSv1.2 and TLSv1.3.
  std::string protocols;
  std::string ciphers;       // TLSv1.2 and below (OpenSSL cipher list); empty: OpenSSL's default
  std::string ciphersuites;  // TLSv1.3 (OpenSSL ciphersuites); empty: OpenSSL's default
  bool prefer_server_ciphers = false;
  bool session_caching = true;
  int64_t session_cache_size = 20 * 1024;  // sessions; 0: OpenSSL's unbounded
  int64_t session_cache_timeout = 300;     // seconds
};

}  // namespace runnel::io::tls
