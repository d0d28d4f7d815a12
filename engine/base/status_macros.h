// RETURN_IF_ERROR / ASSIGN_OR_RETURN: the one definition of the early-return
// helpers for absl::Status and absl::StatusOr used across Runnel.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RUNNEL_CONCAT_INNER_(a, b) a##b
#define RUNNEL_CONCAT_(a, b) RUNNEL_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status runnel_status_ = (expr);    \
    if (!runnel_status_.ok()) return runnel_status_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(RUNNEL_CONCAT_(runnel_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()
