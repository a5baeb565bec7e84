// Typed errors: each carries an HTTP status and a stable code. One middleware (./error-handler.ts)
// renders them as { error: { code, message, details } }.

import type { ErrorCode } from '@eduprogress/shared';

export type { ErrorCode };
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;

  constructor(status: number, code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: ErrorDetails, code: ErrorCode = 'VALIDATION_FAILED') {
    super(400, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = '请先登录', code: ErrorCode = 'UNAUTHORIZED', details?: ErrorDetails) {
    super(401, code, message, details);
  }
}

export class ForbiddenError extends AppError {
  constructor(
    message = '超出您的管辖范围或权限，无法执行此操作',
    code: ErrorCode = 'FORBIDDEN',
    details?: ErrorDetails,
  ) {
    super(403, code, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = '请求的资源不存在', code: ErrorCode = 'NOT_FOUND', details?: ErrorDetails) {
    super(404, code, message, details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCode = 'CONFLICT', details?: ErrorDetails) {
    super(409, code, message, details);
  }
}

export class LockedError extends AppError {
  constructor(
    message = '账号已被锁定，请稍后再试',
    code: ErrorCode = 'ACCOUNT_LOCKED',
    details?: ErrorDetails,
  ) {
    super(423, code, message, details);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message = '请求过于频繁，请稍后再试',
    code: ErrorCode = 'RATE_LIMITED',
    details?: ErrorDetails,
  ) {
    super(429, code, message, details);
  }
}

/** The request body is over the route's size limit: 413. */
export class PayloadTooLargeError extends AppError {
  constructor(message: string, code: ErrorCode = 'PAYLOAD_TOO_LARGE', details?: ErrorDetails) {
    super(413, code, message, details);
  }
}

/** The body's media type is not one the route takes: 415. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(message: string, code: ErrorCode = 'UNSUPPORTED_MEDIA_TYPE', details?: ErrorDetails) {
    super(415, code, message, details);
  }
}

/** The service can't answer now (the database did not answer in time): 503, the client may retry. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string, code: ErrorCode = 'SERVICE_UNAVAILABLE', details?: ErrorDetails) {
    super(503, code, message, details);
  }
}
