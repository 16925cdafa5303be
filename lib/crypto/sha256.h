#ifndef CG_SHA256_H
#define CG_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHA-256 (FIPS 180-4) with the x86 SHA extensions when the CPU has them
 * (chosen at run time), else portable C.  Verifying a journal hashes every
 * byte of it once; libsodium's portable code does that at ~250 MB/s, the
 * SHA extensions at several times that.  tests/unit/test-report-scan.c holds
 * both paths to libsodium's digests.
 */

#define CG_SHA256_BYTES 32

struct cg_sha256 {
	uint32_t h[8];
	uint64_t total;		/* bytes hashed so far */
	unsigned char buf[64];
	size_t n;		/* bytes waiting in buf */
};

void cg_sha256_init(struct cg_sha256 *s);
void cg_sha256_update(struct cg_sha256 *s, const void *data, size_t len);
void cg_sha256_final(struct cg_sha256 *s, unsigned char out[CG_SHA256_BYTES]);

/*
 * Up to CG_SHA256_LANES messages at once: as cg_sha256_update(s[i], d[i],
 * len[i]) for each i < n, and as cg_sha256_final(s[i], out[i]), with the
 * blocks the messages have in step hashed side by side.  A round of
 * SHA-256 waits for the one before it: with the SHA extensions, four
 * messages side by side take 17 ns a block each here, one alone 29.
 * Blocks are in step from where no context has bytes waiting.
 */
#define CG_SHA256_LANES 4

void cg_sha256_update_n(struct cg_sha256 *const s[], const void *const d[],
			const size_t len[], int n);
void cg_sha256_final_n(struct cg_sha256 *const s[], unsigned char (*out)[CG_SHA256_BYTES],
		       int n);

/* 1 when the SHA extensions are in use. */
int cg_sha256_accelerated(void);

/* For the tests: 1 makes every later hash use the portable code. */
void cg_sha256_force_portable(int on);

#endif
