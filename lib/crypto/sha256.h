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
 * Two messages at once: as cg_sha256_update(a, da, la) then
 * cg_sha256_update(b, db, lb), and as cg_sha256_final of each, with the
 * blocks the two have in step hashed side by side (about twice the speed
 * of one after the other with the SHA extensions).  Blocks are in step
 * from where neither context has bytes waiting.
 */
void cg_sha256_update2(struct cg_sha256 *a, const void *da, size_t la,
		       struct cg_sha256 *b, const void *db, size_t lb);
void cg_sha256_final2(struct cg_sha256 *a, unsigned char out_a[CG_SHA256_BYTES],
		      struct cg_sha256 *b, unsigned char out_b[CG_SHA256_BYTES]);

/* 1 when the SHA extensions are in use. */
int cg_sha256_accelerated(void);

/* For the tests: 1 makes every later hash use the portable code. */
void cg_sha256_force_portable(int on);

#endif
