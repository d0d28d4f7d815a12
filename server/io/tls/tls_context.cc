#include "server/io/tls/tls_context.h"

#include <openssl/err.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "engine/base/strings.h"

namespace runnel::io::tls {
namespace {

// What Redis's parseProtocolsConfig accepts, and the option that turns each off.
struct Protocol {
  std::string_view name;
  uint64_t disable;
};
constexpr Protocol kProtocols[] = {
    {"tlsv1", SSL_OP_NO_TLSv1},
    {"tlsv1.1", SSL_OP_NO_TLSv1_1},
    {"tlsv1.2", SSL_OP_NO_TLSv1_2},
    {"tlsv1.3", SSL_OP_NO_TLSv1_3},
};

// The SSL_OP_NO_* options that leave exactly the listed protocols enabled.
absl::StatusOr<uint64_t> DisabledProtocols(std::string_view list) {
  std::vector<std::string_view> words;
  while (!list.empty()) {
    const size_t start = list.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    list.remove_prefix(start);
    const size_t end = std::min(list.find_first_of(" \t"), list.size());
    words.push_back(list.substr(0, end));
    list.remove_prefix(end);
  }
  // Redis's default: TLSv1.2 and TLSv1.3 (TLSv1 and 1.1 are obsolete).
  if (words.empty()) return uint64_t{SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1};
  uint64_t enabled = 0;
  for (std::string_view word : words) {
    const Protocol* found = nullptr;
    for (const Protocol& p : kProtocols) {
      if (base::EqualsIgnoreCase(p.name, word)) found = &p;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(
          "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' "
          "and 'TLSv1.3'.");
    }
    enabled |= found->disable;
  }
  uint64_t disabled = 0;
  for (const Protocol& p : kProtocols) {
    if ((enabled & p.disable) == 0) disabled |= p.disable;
  }
  return disabled;
}

// OpenSSL asks for the passphrase of an encrypted key through this callback;
// `userdata` is the TlsOptions::key_file_pass being loaded.
int KeyPassword(char* buf, int size, int /*rwflag*/, void* userdata) {
  const std::string& pass = *static_cast<const std::string*>(userdata);
  if (pass.empty() || pass.size() > static_cast<size_t>(size)) return 0;
  std::memcpy(buf, pass.data(), pass.size());
  return static_cast<int>(pass.size());
}

int VerifyMode(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::kNo:
      return SSL_VERIFY_NONE;
    case ClientAuth::kOptional:
      return SSL_VERIFY_PEER;
    case ClientAuth::kYes:
      break;
  }
  return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}

// Frees the SSL_CTX unless released: every early return of Configure().
struct CtxOwner {
  SSL_CTX* ctx;
  ~CtxOwner() {
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }
};

absl::Status LoadFiles(SSL_CTX* ctx, const TlsOptions& options) {
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) <= 0) {
    return absl::InvalidArgumentError(base::StrCat(
        "Failed to load certificate: ", options.cert_file, ": ", TakeOpenSslError("unknown error")));
  }
  // The callback's userdata points into `options` only while the key loads.
  SSL_CTX_set_default_passwd_cb(ctx, KeyPassword);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string*>(&options.key_file_pass));
  const int key_loaded =
      SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
  if (key_loaded <= 0) {
    return absl::InvalidArgumentError(base::StrCat("Failed to load private key: ", options.key_file,
                                                   ": ", TakeOpenSslError("unknown error")));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return absl::InvalidArgumentError(base::StrCat("Private key does not match the certificate: ",
                                                   options.key_file, ": ",
                                                   TakeOpenSslError("key values mismatch")));
  }
  if (options.ca_cert_file.empty() && options.ca_cert_dir.empty()) return absl::OkStatus();
  const char* file = options.ca_cert_file.empty() ? nullptr : options.ca_cert_file.c_str();
  const char* dir = options.ca_cert_dir.empty() ? nullptr : options.ca_cert_dir.c_str();
  if (SSL_CTX_load_verify_locations(ctx, file, dir) <= 0) {
    return absl::InvalidArgumentError(
        base::StrCat("Failed to configure CA certificate(s) file/directory: ",
                     file != nullptr ? options.ca_cert_file : options.ca_cert_dir, ": ",
                     TakeOpenSslError("unknown error")));
  }
  return absl::OkStatus();
}

absl::Status ApplyOptions(SSL_CTX* ctx, const TlsOptions& options) {
  absl::StatusOr<uint64_t> disabled = DisabledProtocols(options.protocols);
  if (!disabled.ok()) return disabled.status();
  // No compression (CRIME), no renegotiation (a client-driven CPU sink;
  // OpenSSL 3 refuses client-initiated renegotiation by default as well).
  uint64_t ssl_options = *disabled | SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION |
                         SSL_OP_NO_RENEGOTIATION;
  if (options.prefer_server_ciphers) ssl_options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
  SSL_CTX_set_options(ctx, ssl_options);
  // Not SSL_MODE_RELEASE_BUFFERS: it would give an idle connection's record
  // buffers (~34 KiB) back, but costs two allocations of them per request
  // (request latency x3 in the ASan build). Redis keeps them too.
  if (options.session_caching) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, options.session_cache_size);
    SSL_CTX_set_timeout(ctx, options.session_cache_timeout);
    static constexpr unsigned char kSessionIdContext[] = "runnel";
    SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof(kSessionIdContext) - 1);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 0);
  }
  SSL_CTX_set_verify(ctx, VerifyMode(options.auth_clients), nullptr);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
    return absl::InvalidArgumentError(
        base::StrCat("Failed to configure ciphers: ", TakeOpenSslError("no cipher matched")));
  }
  if (!options.ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, options.ciphersuites.c_str()) != 1) {
    return absl::InvalidArgumentError(base::StrCat("Failed to configure ciphersuites: ",
                                                   TakeOpenSslError("no ciphersuite matched")));
  }
  return absl::OkStatus();
}

}  // namespace

std::string TakeOpenSslError(std::string_view fallback) {
  unsigned long code = ERR_get_error();
  std::string text;
  if (code == 0) {
    text = std::string(fallback);
  } else {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    text = buf;
  }
  ERR_clear_error();
  return text;
}

absl::StatusOr<std::unique_ptr<TlsContext>> TlsContext::Create(const TlsOptions& options) {
  // Redis checks in this order, with these texts.
  if (options.auth_clients != ClientAuth::kNo && options.ca_cert_file.empty() &&
      options.ca_cert_dir.empty()) {
    return absl::InvalidArgumentError(
        "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
        "tls-replication or tls-auth-clients are enabled!");
  }
  if (options.cert_file.empty()) return absl::InvalidArgumentError("No tls-cert-file configured!");
  if (options.key_file.empty()) return absl::InvalidArgumentError("No tls-key-file configured!");
  ERR_clear_error();
  CtxOwner owner{SSL_CTX_new(TLS_server_method())};
  if (owner.ctx == nullptr) {
    return absl::InternalError(
        base::StrCat("Failed to create SSL_CTX: ", TakeOpenSslError("out of memory")));
  }
  if (absl::Status s = ApplyOptions(owner.ctx, options); !s.ok()) return s;
  if (absl::Status s = LoadFiles(owner.ctx, options); !s.ok()) return s;
  std::unique_ptr<TlsContext> context(new TlsContext(owner.ctx));
  owner.ctx = nullptr;
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace runnel::io::tls
