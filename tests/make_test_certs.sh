#!/bin/sh
# Makes the certificates the TLS tests use (tls_session_test, tls_test) with
# the openssl CLI, in DIR: a CA, a server and a client certificate it signed,
# and a client certificate signed by another CA (a stranger). EC P-256 keys:
# fast to make and to use. Run once per build (tests/CMakeLists.txt), not per
# test process: ctest starts every test case as a process of its own.
set -eu
dir="$1"
mkdir -p "$dir"
cd "$dir"
make_cert() {  # name [ca]
  if [ -z "${2:-}" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$1.key" -out "$1.crt" -days 3650 -subj "/CN=$1"
  else
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
    openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial \
      -out "$1.crt" -days 3650
  fi
}
{
  make_cert ca
  make_cert server ca
  make_cert client ca
  make_cert otherca
  make_cert stranger otherca
} >/dev/null 2>&1
