/* SHA-256 (FIPS 180-4), streaming, for the `drain` helper's digest. */
#ifndef SOCKREF_AGENT_SHA256_H
#define SOCKREF_AGENT_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t state[8];
  uint64_t total_bytes;
  unsigned char block[64];
  size_t block_len;
} sha256_ctx;

void sha256_init(sha256_ctx *ctx);
void sha256_update(sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(sha256_ctx *ctx, unsigned char digest[32]);
/* Lower-case hex of the digest into out[65] (NUL-terminated). */
void sha256_hex(const unsigned char digest[32], char out[65]);

#endif
