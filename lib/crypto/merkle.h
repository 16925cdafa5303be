#ifndef CG_MERKLE_H
#define CG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 6962 (section 2.1) Merkle trees over a journal's lines:
 *
 *   leaf  = SHA-256(0x00 || line)          the line's bytes, no newline
 *   node  = SHA-256(0x01 || left || right)
 *   empty = SHA-256("")
 *
 * A tree of n leaves splits at k, the largest power of two below n.  The
 * proofs are those of RFC 6962 2.1.1 (inclusion, "audit path") and 2.1.2
 * (consistency), verified as RFC 9162 2.1.3.2 and 2.1.4.2 say, so that any
 * Certificate Transparency or C2SP tlog tool reads them.
 *
 * Nothing here allocates; the caller owns every buffer.
 */

#define CG_HASH_LEN 32
/* A proof has at most one hash per level of a tree of 2^64 leaves. */
#define CG_MERKLE_MAX_PROOF 64

void cg_merkle_leaf(const void *data, size_t len, unsigned char out[CG_HASH_LEN]);
void cg_merkle_node(const unsigned char left[CG_HASH_LEN],
		    const unsigned char right[CG_HASH_LEN],
		    unsigned char out[CG_HASH_LEN]);

/*
 * The right frontier of a tree (a "compact range" from 0): for each set
 * bit b of size, the root of the perfect subtree of 2^b leaves that bit
 * stands for, in node[b].  Enough to add leaves and to compute the root
 * in O(log n), without the leaves.
 */
struct cg_merkle_frontier {
	uint64_t size;
	unsigned char node[64][CG_HASH_LEN];
};

void cg_merkle_frontier_init(struct cg_merkle_frontier *f);
void cg_merkle_frontier_add(struct cg_merkle_frontier *f,
			    const unsigned char leaf[CG_HASH_LEN]);
void cg_merkle_frontier_root(const struct cg_merkle_frontier *f,
			     unsigned char root[CG_HASH_LEN]);

/* The root of the tree over leaves[0..n) (leaf hashes, 32 bytes each). */
void cg_merkle_root(const unsigned char *leaves, uint64_t n,
		    unsigned char root[CG_HASH_LEN]);

/*
 * The inclusion proof of leaf index in the tree of leaves[0..n): *len
 * hashes into proof, from the leaf's sibling up.  0, or -1 when index is
 * not below n.
 */
int cg_merkle_inclusion(const unsigned char *leaves, uint64_t n, uint64_t index,
			unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			size_t *len);

/*
 * The consistency proof from the tree of the first m leaves to that of
 * all n.  0 < m <= n gives a proof (empty when m == n); otherwise -1.
 */
int cg_merkle_consistency(const unsigned char *leaves, uint64_t n, uint64_t m,
			  unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
			  size_t *len);

/*
 * The same proof from what a checkpoint keeps: old, the frontier of the
 * first m leaves, and the leaf hashes from m on (fresh[0..n-m)), so that
 * a new checkpoint proves itself consistent with the last one reading
 * only the lines added.  0 < m <= n; otherwise -1.
 */
int cg_merkle_consistency_frontier(const struct cg_merkle_frontier *old,
				   const unsigned char *fresh, uint64_t n,
				   unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN],
				   size_t *len);

/* 0 when proof shows leaf at index in the tree of size with root; -1. */
int cg_merkle_verify_inclusion(uint64_t index, uint64_t size,
			       const unsigned char leaf[CG_HASH_LEN],
			       const unsigned char (*proof)[CG_HASH_LEN], size_t len,
			       const unsigned char root[CG_HASH_LEN]);

/*
 * 0 when proof shows that the tree of size2 with root2 extends the tree
 * of size1 with root1; -1.  Equal sizes need equal roots and an empty
 * proof; size1 0 needs an empty proof.
 */
int cg_merkle_verify_consistency(uint64_t size1, uint64_t size2,
				 const unsigned char root1[CG_HASH_LEN],
				 const unsigned char root2[CG_HASH_LEN],
				 const unsigned char (*proof)[CG_HASH_LEN], size_t len);

#endif
