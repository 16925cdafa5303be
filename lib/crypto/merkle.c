/*
 * RFC 6962 Merkle trees: hashing, proofs and their verification.  The
 * algorithms are those of RFC 6962 section 2.1 (MTH, PATH, SUBPROOF) and
 * RFC 9162 sections 2.1.3.2 and 2.1.4.2 (verification), written from the
 * RFC texts.
 */
#include <string.h>

#include "crypto/merkle.h"
#include "crypto/sha256.h"

void cg_merkle_leaf(const void *data, size_t len, unsigned char out[CG_HASH_LEN])
{
	static const unsigned char prefix = 0x00;
	struct cg_sha256 s;

	cg_sha256_init(&s);
	cg_sha256_update(&s, &prefix, 1);
	cg_sha256_update(&s, data, len);
	cg_sha256_final(&s, out);
}

void cg_merkle_node(const unsigned char left[CG_HASH_LEN],
		    const unsigned char right[CG_HASH_LEN],
		    unsigned char out[CG_HASH_LEN])
{
	static const unsigned char prefix = 0x01;
	struct cg_sha256 s;

	cg_sha256_init(&s);
	cg_sha256_update(&s, &prefix, 1);
	cg_sha256_update(&s, left, CG_HASH_LEN);
	cg_sha256_update(&s, right, CG_HASH_LEN);
	cg_sha256_final(&s, out);
}

void cg_merkle_frontier_init(struct cg_merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

void cg_merkle_frontier_add(struct cg_merkle_frontier *f,
			    const unsigned char leaf[CG_HASH_LEN])
{
	unsigned char h[CG_HASH_LEN];
	unsigned level = 0;

	memcpy(h, leaf, CG_HASH_LEN);
	/* Like a binary increment: each carry merges two equal subtrees. */
	while (f->size >> level & 1) {
		cg_merkle_node(f->node[level], h, h);
		level++;
	}
	memcpy(f->node[level], h, CG_HASH_LEN);
	f->size++;
}

void cg_merkle_frontier_root(const struct cg_merkle_frontier *f,
			     unsigned char root[CG_HASH_LEN])
{
	unsigned char h[CG_HASH_LEN];
	int have = 0;

	if (f->size == 0) {
		struct cg_sha256 s;

		cg_sha256_init(&s);
		cg_sha256_final(&s, root);
		return;
	}
	/* The smallest subtree is the rightmost: fold right to left. */
	for (unsigned level = 0; level < 64; level++) {
		if (!(f->size >> level & 1))
			continue;
		if (have)
			cg_merkle_node(f->node[level], h, h);
		else
			memcpy(h, f->node[level], CG_HASH_LEN);
		have = 1;
	}
	memcpy(root, h, CG_HASH_LEN);
}

void cg_merkle_root(const unsigned char *leaves, uint64_t n,
		    unsigned char root[CG_HASH_LEN])
{
	struct cg_merkle_frontier f;

	cg_merkle_frontier_init(&f);
	for (uint64_t i = 0; i < n; i++)
		cg_merkle_frontier_add(&f, leaves + i * CG_HASH_LEN);
	cg_merkle_frontier_root(&f, root);
}

/* The largest power of two below n (n > 1). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* RFC 6962 PATH(m, D[n]), leaf first: appends to proof. */
static void path(const unsigned char *leaves, uint64_t n, uint64_t m,
		 unsigned char proof[][CG_HASH_LEN], size_t *len)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path(leaves, k, m, proof, len);
		cg_merkle_root(leaves + k * CG_HASH_LEN, n - k, proof[(*len)++]);
	} else {
		path(leaves + k * CG_HASH_LEN, n - k, m - k, proof, len);
		cg_merkle_root(leaves, k, proof[(*len)++]);
	}
}

int cg_merkle_inclusion(const unsigned char *leaves, uint64_t n, uint64_t index,
			unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			size_t *len)
{
	*len = 0;
	if (index >= n)
		return -1;
	path(leaves, n, index, proof, len);
	return 0;
}

/* RFC 6962 SUBPROOF(m, D[n], b). */
static void subproof(const unsigned char *leaves, uint64_t n, uint64_t m, int whole,
		     unsigned char proof[][CG_HASH_LEN], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!whole)
			cg_merkle_root(leaves, n, proof[(*len)++]);
		return;
	}
	k = split(n);
	if (m <= k) {
		subproof(leaves, k, m, whole, proof, len);
		cg_merkle_root(leaves + k * CG_HASH_LEN, n - k, proof[(*len)++]);
	} else {
		subproof(leaves + k * CG_HASH_LEN, n - k, m - k, 0, proof, len);
		cg_merkle_root(leaves, k, proof[(*len)++]);
	}
}

int cg_merkle_consistency(const unsigned char *leaves, uint64_t n, uint64_t m,
			  unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			  size_t *len)
{
	*len = 0;
	if (m == 0 || m > n)
		return -1;
	subproof(leaves, n, m, 1, proof, len);
	return 0;
}

/* What SUBPROOF needs to hash a range [lo, hi), from a frontier and the
 * leaves after it. */
struct split_tree {
	const struct cg_merkle_frontier *old;	/* the first old->size leaves */
	const unsigned char *fresh;		/* leaves from old->size on */
};

/*
 * MTH of [lo, hi): from the fresh leaves when it starts at or after the
 * frontier's end; else it ends at or before it, and is the fold of the
 * frontier's subtrees inside it (SUBPROOF asks for no other ranges).
 */
static void split_root(const struct split_tree *t, uint64_t lo, uint64_t hi,
		       unsigned char out[CG_HASH_LEN])
{
	uint64_t m = t->old->size, start = 0;
	unsigned char h[CG_HASH_LEN];
	int have = 0;

	if (lo >= m) {
		cg_merkle_root(t->fresh + (lo - m) * CG_HASH_LEN, hi - lo, out);
		return;
	}
	/* The subtree of level b spans [start_b, start_b + 2^b), where
	 * start_b is m without its bits b and below.  Fold those inside
	 * [lo, hi) from the right, as MTH nests them. */
	for (int level = 0; level < 64; level++) {
		uint64_t span = (uint64_t)1 << level;

		if (!(m >> level & 1))
			continue;
		start = m & ~((span << 1) - 1);
		if (level == 63)
			start = 0;
		if (start >= lo && start + span <= hi) {
			if (have)
				cg_merkle_node(t->old->node[level], h, h);
			else
				memcpy(h, t->old->node[level], CG_HASH_LEN);
			have = 1;
		}
	}
	memcpy(out, h, CG_HASH_LEN);
}

/* SUBPROOF(m, D[lo:lo+n], whole) over a split tree. */
static void split_subproof(const struct split_tree *t, uint64_t lo, uint64_t n, uint64_t m,
			   int whole, unsigned char proof[][CG_HASH_LEN], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!whole)
			split_root(t, lo, lo + n, proof[(*len)++]);
		return;
	}
	k = split(n);
	if (m <= k) {
		split_subproof(t, lo, k, m, whole, proof, len);
		split_root(t, lo + k, lo + n, proof[(*len)++]);
	} else {
		split_subproof(t, lo + k, n - k, m - k, 0, proof, len);
		split_root(t, lo, lo + k, proof[(*len)++]);
	}
}

int cg_merkle_consistency_frontier(const struct cg_merkle_frontier *old,
				   const unsigned char *fresh, uint64_t n,
				   unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
				   size_t *len)
{
	struct split_tree t = { old, fresh };

	*len = 0;
	if (old->size == 0 || old->size > n)
		return -1;
	split_subproof(&t, 0, n, old->size, 1, proof, len);
	return 0;
}

int cg_merkle_verify_inclusion(uint64_t index, uint64_t size,
			       const unsigned char leaf[CG_HASH_LEN],
			       const unsigned char (*proof)[CG_HASH_LEN], size_t len,
			       const unsigned char root[CG_HASH_LEN])
{
	uint64_t fn = index, sn = size - 1;
	unsigned char r[CG_HASH_LEN];

	if (index >= size)
		return -1;
	memcpy(r, leaf, CG_HASH_LEN);
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			cg_merkle_node(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			cg_merkle_node(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && !memcmp(r, root, CG_HASH_LEN) ? 0 : -1;
}

/* RFC 9162 2.1.4.2 steps 5 to 7, over the path c[0..n). */
static int consistency_walk(uint64_t fn, uint64_t sn,
			    const unsigned char (*c)[CG_HASH_LEN], size_t n,
			    const unsigned char root1[CG_HASH_LEN],
			    const unsigned char root2[CG_HASH_LEN])
{
	unsigned char fr[CG_HASH_LEN], sr[CG_HASH_LEN];

	memcpy(fr, c[0], CG_HASH_LEN);
	memcpy(sr, c[0], CG_HASH_LEN);
	for (size_t i = 1; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			cg_merkle_node(c[i], fr, fr);
			cg_merkle_node(c[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			cg_merkle_node(sr, c[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && !memcmp(fr, root1, CG_HASH_LEN) &&
		!memcmp(sr, root2, CG_HASH_LEN) ? 0 : -1;
}

int cg_merkle_verify_consistency(uint64_t size1, uint64_t size2,
				 const unsigned char root1[CG_HASH_LEN],
				 const unsigned char root2[CG_HASH_LEN],
				 const unsigned char (*proof)[CG_HASH_LEN], size_t len)
{
	unsigned char c[CG_MERKLE_MAX_PROOF + 1][CG_HASH_LEN];
	uint64_t fn, sn;
	size_t n = 0;

	if (size1 > size2 || len > CG_MERKLE_MAX_PROOF)
		return -1;
	if (size1 == size2)
		return len == 0 && !memcmp(root1, root2, CG_HASH_LEN) ? 0 : -1;
	if (size1 == 0)
		return len == 0 ? 0 : -1;
	if (len == 0)
		return -1;
	/* A first tree of 2^k leaves is a node of the second: its root
	 * starts the path. */
	if ((size1 & (size1 - 1)) == 0)
		memcpy(c[n++], root1, CG_HASH_LEN);
	memcpy(c[n], proof, len * CG_HASH_LEN);
	n += len;
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	return consistency_walk(fn, sn, (const unsigned char (*)[CG_HASH_LEN])c, n,
				root1, root2);
}
