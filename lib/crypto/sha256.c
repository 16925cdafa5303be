#include <stdint.h>
#include <string.h>

#include "crypto/sha256.h"

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void blocks_portable(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;

	while (nblocks--) {
		for (int i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
		for (int i = 16; i < 64; i++) {
			uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
			uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

			w[i] = w[i - 16] + s0 + w[i - 7] + s1;
		}
		a = h[0], b = h[1], c = h[2], d = h[3];
		e = h[4], f = h[5], g = h[6], hh = h[7];
		for (int i = 0; i < 64; i++) {
			t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			     ((e & f) ^ (~e & g)) + K[i] + w[i];
			t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			     ((a & b) ^ (a & c) ^ (b & c));
			hh = g, g = f, f = e, e = d + t1;
			d = c, c = b, b = a, a = t1 + t2;
		}
		h[0] += a, h[1] += b, h[2] += c, h[3] += d;
		h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
		p += 64;
	}
}

#ifdef HAVE_X86
#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/*
 * Four rounds (4i to 4i+3) with the SHA extensions, after Intel's
 * "SHA extensions" paper: m[i % 4] holds W[4i..4i+3]; the message schedule
 * for later rounds is computed alongside (msg1 from round group 1 to 12,
 * msg2 from 3 to 14).
 */
#define ROUNDS(i, m0, m1, m2, m3) do { \
	msg = _mm_add_epi32(m0, _mm_loadu_si128((const __m128i *)&K[4 * (i)])); \
	st1 = _mm_sha256rnds2_epu32(st1, st0, msg); \
	if ((i) >= 3 && (i) < 15) { \
		tmp = _mm_alignr_epi8(m0, m3, 4); \
		m1 = _mm_add_epi32(m1, tmp); \
		m1 = _mm_sha256msg2_epu32(m1, m0); \
	} \
	msg = _mm_shuffle_epi32(msg, 0x0E); \
	st0 = _mm_sha256rnds2_epu32(st0, st1, msg); \
	if ((i) >= 1 && (i) < 13) \
		m3 = _mm_sha256msg1_epu32(m3, m0); \
} while (0)

SHA_TARGET
static void blocks_shani(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i st0, st1, tmp, msg, m0, m1, m2, m3, save0, save1;

	tmp = _mm_loadu_si128((const __m128i *)&h[0]);
	st1 = _mm_loadu_si128((const __m128i *)&h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);		/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);		/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);		/* CDGH */

	while (nblocks--) {
		save0 = st0;
		save1 = st1;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), mask);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), mask);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), mask);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), mask);
		ROUNDS(0, m0, m1, m2, m3);
		ROUNDS(1, m1, m2, m3, m0);
		ROUNDS(2, m2, m3, m0, m1);
		ROUNDS(3, m3, m0, m1, m2);
		ROUNDS(4, m0, m1, m2, m3);
		ROUNDS(5, m1, m2, m3, m0);
		ROUNDS(6, m2, m3, m0, m1);
		ROUNDS(7, m3, m0, m1, m2);
		ROUNDS(8, m0, m1, m2, m3);
		ROUNDS(9, m1, m2, m3, m0);
		ROUNDS(10, m2, m3, m0, m1);
		ROUNDS(11, m3, m0, m1, m2);
		ROUNDS(12, m0, m1, m2, m3);
		ROUNDS(13, m1, m2, m3, m0);
		ROUNDS(14, m2, m3, m0, m1);
		ROUNDS(15, m3, m0, m1, m2);
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
		p += 64;
	}

	tmp = _mm_shuffle_epi32(st0, 0x1B);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);		/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* ABEF */
	_mm_storeu_si128((__m128i *)&h[0], st0);
	_mm_storeu_si128((__m128i *)&h[4], st1);
}

/* h[0..8) as the two registers the SHA instructions take (ABEF, CDGH). */
SHA_TARGET
static inline void state_load(const uint32_t h[8], __m128i *st0, __m128i *st1)
{
	__m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[0]), 0xB1);
	__m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&h[4]), 0x1B);

	*st0 = _mm_alignr_epi8(tmp, s1, 8);
	*st1 = _mm_blend_epi16(s1, tmp, 0xF0);
}

SHA_TARGET
static inline void state_store(uint32_t h[8], __m128i st0, __m128i st1)
{
	__m128i tmp = _mm_shuffle_epi32(st0, 0x1B);

	st1 = _mm_shuffle_epi32(st1, 0xB1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(tmp, st1, 0xF0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(st1, tmp, 8));
}

/* Four rounds (as ROUNDS) of each of four messages. */
#define ROUNDS4(i, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3) do { \
	const __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * (i)]); \
	msga = _mm_add_epi32(a0, k); \
	msgb = _mm_add_epi32(b0, k); \
	msgc = _mm_add_epi32(c0, k); \
	msgd = _mm_add_epi32(d0, k); \
	sta1 = _mm_sha256rnds2_epu32(sta1, sta0, msga); \
	stb1 = _mm_sha256rnds2_epu32(stb1, stb0, msgb); \
	stc1 = _mm_sha256rnds2_epu32(stc1, stc0, msgc); \
	std1 = _mm_sha256rnds2_epu32(std1, std0, msgd); \
	if ((i) >= 3 && (i) < 15) { \
		a1 = _mm_sha256msg2_epu32(_mm_add_epi32(a1, _mm_alignr_epi8(a0, a3, 4)), a0); \
		b1 = _mm_sha256msg2_epu32(_mm_add_epi32(b1, _mm_alignr_epi8(b0, b3, 4)), b0); \
		c1 = _mm_sha256msg2_epu32(_mm_add_epi32(c1, _mm_alignr_epi8(c0, c3, 4)), c0); \
		d1 = _mm_sha256msg2_epu32(_mm_add_epi32(d1, _mm_alignr_epi8(d0, d3, 4)), d0); \
	} \
	msga = _mm_shuffle_epi32(msga, 0x0E); \
	msgb = _mm_shuffle_epi32(msgb, 0x0E); \
	msgc = _mm_shuffle_epi32(msgc, 0x0E); \
	msgd = _mm_shuffle_epi32(msgd, 0x0E); \
	sta0 = _mm_sha256rnds2_epu32(sta0, sta1, msga); \
	stb0 = _mm_sha256rnds2_epu32(stb0, stb1, msgb); \
	stc0 = _mm_sha256rnds2_epu32(stc0, stc1, msgc); \
	std0 = _mm_sha256rnds2_epu32(std0, std1, msgd); \
	if ((i) >= 1 && (i) < 13) { \
		a3 = _mm_sha256msg1_epu32(a3, a0); \
		b3 = _mm_sha256msg1_epu32(b3, b0); \
		c3 = _mm_sha256msg1_epu32(c3, c0); \
		d3 = _mm_sha256msg1_epu32(d3, d0); \
	} \
} while (0)

/*
 * Four independent messages, nblocks blocks of each, a round of one
 * beside the same round of the others.  A SHA-256 round waits for the
 * one before it, so one message at a time leaves the SHA unit idle most
 * cycles; four keep it busy (journal verification hashes every line
 * against the chain the line before records, so lines are independent).
 */
SHA_TARGET
static void blocks_shani4(uint32_t *const h[4], const unsigned char *const p[4], size_t nblocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	const unsigned char *pa = p[0], *pb = p[1], *pc = p[2], *pd = p[3];
	__m128i sta0, sta1, stb0, stb1, stc0, stc1, std0, std1, msga, msgb, msgc, msgd;

	state_load(h[0], &sta0, &sta1);
	state_load(h[1], &stb0, &stb1);
	state_load(h[2], &stc0, &stc1);
	state_load(h[3], &std0, &std1);
	while (nblocks--) {
		const __m128i sa0 = sta0, sa1 = sta1;
		const __m128i sb0 = stb0, sb1 = stb1;
		const __m128i sc0 = stc0, sc1 = stc1;
		const __m128i sd0 = std0, sd1 = std1;
		__m128i a0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 0)), mask);
		__m128i a1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 16)), mask);
		__m128i a2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 32)), mask);
		__m128i a3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pa + 48)), mask);
		__m128i b0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 0)), mask);
		__m128i b1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 16)), mask);
		__m128i b2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 32)), mask);
		__m128i b3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pb + 48)), mask);
		__m128i c0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pc + 0)), mask);
		__m128i c1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pc + 16)), mask);
		__m128i c2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pc + 32)), mask);
		__m128i c3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pc + 48)), mask);
		__m128i d0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pd + 0)), mask);
		__m128i d1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pd + 16)), mask);
		__m128i d2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pd + 32)), mask);
		__m128i d3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(pd + 48)), mask);

		ROUNDS4(0, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3);
		ROUNDS4(1, a1, a2, a3, a0, b1, b2, b3, b0, c1, c2, c3, c0, d1, d2, d3, d0);
		ROUNDS4(2, a2, a3, a0, a1, b2, b3, b0, b1, c2, c3, c0, c1, d2, d3, d0, d1);
		ROUNDS4(3, a3, a0, a1, a2, b3, b0, b1, b2, c3, c0, c1, c2, d3, d0, d1, d2);
		ROUNDS4(4, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3);
		ROUNDS4(5, a1, a2, a3, a0, b1, b2, b3, b0, c1, c2, c3, c0, d1, d2, d3, d0);
		ROUNDS4(6, a2, a3, a0, a1, b2, b3, b0, b1, c2, c3, c0, c1, d2, d3, d0, d1);
		ROUNDS4(7, a3, a0, a1, a2, b3, b0, b1, b2, c3, c0, c1, c2, d3, d0, d1, d2);
		ROUNDS4(8, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3);
		ROUNDS4(9, a1, a2, a3, a0, b1, b2, b3, b0, c1, c2, c3, c0, d1, d2, d3, d0);
		ROUNDS4(10, a2, a3, a0, a1, b2, b3, b0, b1, c2, c3, c0, c1, d2, d3, d0, d1);
		ROUNDS4(11, a3, a0, a1, a2, b3, b0, b1, b2, c3, c0, c1, c2, d3, d0, d1, d2);
		ROUNDS4(12, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3);
		ROUNDS4(13, a1, a2, a3, a0, b1, b2, b3, b0, c1, c2, c3, c0, d1, d2, d3, d0);
		ROUNDS4(14, a2, a3, a0, a1, b2, b3, b0, b1, c2, c3, c0, c1, d2, d3, d0, d1);
		ROUNDS4(15, a3, a0, a1, a2, b3, b0, b1, b2, c3, c0, c1, c2, d3, d0, d1, d2);
		sta0 = _mm_add_epi32(sta0, sa0);
		sta1 = _mm_add_epi32(sta1, sa1);
		stb0 = _mm_add_epi32(stb0, sb0);
		stb1 = _mm_add_epi32(stb1, sb1);
		stc0 = _mm_add_epi32(stc0, sc0);
		stc1 = _mm_add_epi32(stc1, sc1);
		std0 = _mm_add_epi32(std0, sd0);
		std1 = _mm_add_epi32(std1, sd1);
		pa += 64;
		pb += 64;
		pc += 64;
		pd += 64;
	}
	state_store(h[0], sta0, sta1);
	state_store(h[1], stb0, stb1);
	state_store(h[2], stc0, stc1);
	state_store(h[3], std0, std1);
}

static int cpu_has_sha(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
		return 0;		/* SSE4.1, SSSE3 */
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b >> 29) & 1;		/* SHA */
}
#endif

static int force_portable;
static int hw = -1;

static void blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_X86
	if (hw < 0)
		hw = cpu_has_sha();
	if (hw && !force_portable) {
		blocks_shani(h, p, nblocks);
		return;
	}
#endif
	blocks_portable(h, p, nblocks);
}

/* nblocks blocks of each of n messages (at most CG_SHA256_LANES), side
 * by side where the SHA extensions are in use.  Three fill the fourth
 * lane with the first again, into a state that is thrown away (still
 * faster than one at a time); two go one at a time. */
static void blocks_n(uint32_t *const h[], const unsigned char *const p[], int n, size_t nblocks)
{
#ifdef HAVE_X86
	if (hw < 0)
		hw = cpu_has_sha();
	if (hw && !force_portable && n > 2) {
		uint32_t spare[CG_SHA256_LANES][8];
		uint32_t *hh[CG_SHA256_LANES];
		const unsigned char *pp[CG_SHA256_LANES];

		for (int i = 0; i < CG_SHA256_LANES; i++) {
			hh[i] = i < n ? h[i] : memcpy(spare[i], h[0], sizeof(spare[i]));
			pp[i] = i < n ? p[i] : p[0];
		}
		blocks_shani4(hh, pp, nblocks);
		return;
	}
#endif
	for (int i = 0; i < n; i++)
		blocks(h[i], p[i], nblocks);
}

int cg_sha256_accelerated(void)
{
#ifdef HAVE_X86
	if (hw < 0)
		hw = cpu_has_sha();
	return hw && !force_portable;
#else
	return 0;
#endif
}

void cg_sha256_force_portable(int on)
{
	force_portable = on;
}

void cg_sha256_init(struct cg_sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(s->h, iv, sizeof(iv));
	s->total = 0;
	s->n = 0;
}

void cg_sha256_update(struct cg_sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->total += len;
	if (s->n) {
		size_t take = 64 - s->n < len ? 64 - s->n : len;

		memcpy(s->buf + s->n, p, take);
		s->n += take;
		p += take;
		len -= take;
		if (s->n < 64)
			return;
		blocks(s->h, s->buf, 1);
		s->n = 0;
	}
	if (len >= 64) {
		blocks(s->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	memcpy(s->buf, p, len);
	s->n = len;
}

/* The padding of s into its buffer: the blocks left to hash there (1 or 2). */
static size_t pad(struct cg_sha256 *s, unsigned char last[128])
{
	uint64_t bits = s->total * 8;
	size_t n = s->n < 56 ? 64 : 128;

	memcpy(last, s->buf, s->n);
	last[s->n] = 0x80;
	memset(last + s->n + 1, 0, n - 8 - s->n - 1);
	for (int i = 0; i < 8; i++)
		last[n - 8 + i] = (unsigned char)(bits >> (56 - 8 * i));
	return n / 64;
}

static void digest(const struct cg_sha256 *s, unsigned char out[CG_SHA256_BYTES])
{
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

void cg_sha256_final(struct cg_sha256 *s, unsigned char out[CG_SHA256_BYTES])
{
	unsigned char last[128];

	blocks(s->h, last, pad(s, last));
	digest(s, out);
}

void cg_sha256_update_n(struct cg_sha256 *const s[], const void *const d[],
			const size_t len[], int n)
{
	uint32_t *h[CG_SHA256_LANES] = { NULL };
	const unsigned char *p[CG_SHA256_LANES] = { NULL };
	size_t both = SIZE_MAX;

	/* Blocks side by side only from where none has bytes waiting: so
	 * it is for the callers, who start on a block's edge. */
	for (int i = 0; i < n; i++) {
		if (s[i]->n || len[i] / 64 < both)
			both = s[i]->n ? 0 : len[i] / 64;
		h[i] = s[i]->h;
		p[i] = d[i];
	}
	if (both && both != SIZE_MAX)
		blocks_n(h, p, n, both);
	else
		both = 0;
	for (int i = 0; i < n; i++) {
		s[i]->total += both * 64;
		cg_sha256_update(s[i], p[i] + both * 64, len[i] - both * 64);
	}
}

void cg_sha256_final_n(struct cg_sha256 *const s[], unsigned char (*out)[CG_SHA256_BYTES],
		       int n)
{
	unsigned char last[CG_SHA256_LANES][128];
	uint32_t *h[CG_SHA256_LANES] = { NULL };
	const unsigned char *p[CG_SHA256_LANES] = { NULL };
	size_t nb[CG_SHA256_LANES], both = 2;

	for (int i = 0; i < n; i++) {
		nb[i] = pad(s[i], last[i]);
		both = nb[i] < both ? nb[i] : both;
		h[i] = s[i]->h;
		p[i] = last[i];
	}
	blocks_n(h, p, n, both);
	for (int i = 0; i < n; i++) {
		if (nb[i] > both)
			blocks(s[i]->h, last[i] + 64 * both, nb[i] - both);
		digest(s[i], out[i]);
	}
}
