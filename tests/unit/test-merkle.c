/*
 * RFC 6962 trees against the test vectors the Certificate Transparency
 * implementations share (from transparency-dev/merkle, proof/verify_test.go:
 * eight leaves, the root of each prefix, inclusion and consistency
 * proofs), and against a naive recursive MTH for every size up to 70.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/merkle.h"
#include "unit.h"

static const char *const leaf_hex[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

static const char *const root_hex[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* leaf is 1-based as in the vectors; at most three hashes. */
struct vector {
	uint64_t a, b;
	const char *proof[3];
};

static const struct vector inclusion[] = {
	{ 1, 1, { NULL } },
	{ 1, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 3, 3, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 2, 5, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

static const struct vector consistency[] = {
	{ 1, 1, { NULL } },
	{ 1, 8, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static size_t unhex(const char *s, unsigned char *out)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	return n;
}

static unsigned char leaves[8][CG_HASH_LEN];

static void hash_leaves(void)
{
	for (int i = 0; i < 8; i++) {
		unsigned char data[16];
		size_t n = unhex(leaf_hex[i], data);

		cg_merkle_leaf(data, n, leaves[i]);
	}
}

static size_t vector_proof(const struct vector *v, unsigned char p[][CG_HASH_LEN])
{
	size_t n = 0;

	while (n < 3 && v->proof[n]) {
		unhex(v->proof[n], p[n]);
		n++;
	}
	return n;
}

TEST(empty_tree_is_sha256_of_nothing)
{
	unsigned char root[CG_HASH_LEN], want[CG_HASH_LEN];

	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	cg_merkle_root(NULL, 0, root);
	CHECK(!memcmp(root, want, CG_HASH_LEN));
}

TEST(roots_of_the_vectors)
{
	struct cg_merkle_frontier f;

	hash_leaves();
	cg_merkle_frontier_init(&f);
	for (int n = 1; n <= 8; n++) {
		unsigned char root[CG_HASH_LEN], fr[CG_HASH_LEN], want[CG_HASH_LEN];

		unhex(root_hex[n - 1], want);
		cg_merkle_root(&leaves[0][0], (uint64_t)n, root);
		cg_merkle_frontier_add(&f, leaves[n - 1]);
		cg_merkle_frontier_root(&f, fr);
		CHECK(!memcmp(root, want, CG_HASH_LEN));
		CHECK(!memcmp(fr, want, CG_HASH_LEN));
	}
}

TEST(inclusion_vectors)
{
	hash_leaves();
	for (size_t i = 0; i < sizeof(inclusion) / sizeof(*inclusion); i++) {
		const struct vector *v = &inclusion[i];
		unsigned char want[3][CG_HASH_LEN], got[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
		unsigned char root[CG_HASH_LEN];
		size_t n = vector_proof(v, want), len;

		unhex(root_hex[v->b - 1], root);
		CHECK_INT(cg_merkle_inclusion(&leaves[0][0], v->b, v->a - 1, got, &len), 0);
		CHECK_INT(len, n);
		CHECK(!memcmp(got, want, n * CG_HASH_LEN));
		CHECK_INT(cg_merkle_verify_inclusion(v->a - 1, v->b, leaves[v->a - 1],
						     (const unsigned char (*)[CG_HASH_LEN])want,
						     n, root), 0);
		/* Another leaf, index or size fails. */
		CHECK_INT(cg_merkle_verify_inclusion(v->a % v->b, v->b, leaves[v->a - 1],
						     (const unsigned char (*)[CG_HASH_LEN])want,
						     n, root), v->b == 1 ? 0 : -1);
		CHECK_INT(cg_merkle_verify_inclusion(v->a - 1, v->b * 2, leaves[v->a - 1],
						     (const unsigned char (*)[CG_HASH_LEN])want,
						     n, root), -1);
		if (n) {
			want[n - 1][0] ^= 8;
			CHECK_INT(cg_merkle_verify_inclusion(v->a - 1, v->b, leaves[v->a - 1],
							     (const unsigned char (*)[CG_HASH_LEN])want,
							     n, root), -1);
		}
	}
}

TEST(consistency_vectors)
{
	hash_leaves();
	for (size_t i = 0; i < sizeof(consistency) / sizeof(*consistency); i++) {
		const struct vector *v = &consistency[i];
		unsigned char want[3][CG_HASH_LEN], got[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
		unsigned char r1[CG_HASH_LEN], r2[CG_HASH_LEN];
		size_t n = vector_proof(v, want), len;

		unhex(root_hex[v->a - 1], r1);
		unhex(root_hex[v->b - 1], r2);
		CHECK_INT(cg_merkle_consistency(&leaves[0][0], v->b, v->a, got, &len), 0);
		CHECK_INT(len, n);
		CHECK(!memcmp(got, want, n * CG_HASH_LEN));
		CHECK_INT(cg_merkle_verify_consistency(v->a, v->b, r1, r2,
						       (const unsigned char (*)[CG_HASH_LEN])want, n), 0);
		if (n) {
			/* Swapped roots, a flipped bit, a shorter proof. */
			CHECK_INT(cg_merkle_verify_consistency(v->a, v->b, r2, r1,
							       (const unsigned char (*)[CG_HASH_LEN])want, n), -1);
			CHECK_INT(cg_merkle_verify_consistency(v->a, v->b, r1, r2,
							       (const unsigned char (*)[CG_HASH_LEN])want, n - 1), -1);
			want[0][0] ^= 16;
			CHECK_INT(cg_merkle_verify_consistency(v->a, v->b, r1, r2,
							       (const unsigned char (*)[CG_HASH_LEN])want, n), -1);
		}
	}
	/* A tree never extends a bigger one. */
	CHECK_INT(cg_merkle_verify_consistency(2, 1, leaves[0], leaves[0], NULL, 0), -1);
}

/* MTH as RFC 6962 defines it, recursively, to hold the fast code to. */
static void naive_root(const unsigned char *l, uint64_t n, unsigned char out[CG_HASH_LEN])
{
	unsigned char a[CG_HASH_LEN], b[CG_HASH_LEN];
	uint64_t k = 1;

	if (n == 1) {
		memcpy(out, l, CG_HASH_LEN);
		return;
	}
	while (k << 1 < n)
		k <<= 1;
	naive_root(l, k, a);
	naive_root(l + k * CG_HASH_LEN, n - k, b);
	cg_merkle_node(a, b, out);
}

TEST(every_proof_of_every_size_up_to_70)
{
	enum { N = 70 };
	static unsigned char l[N][CG_HASH_LEN];
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];

	for (int i = 0; i < N; i++)
		cg_merkle_leaf(&i, sizeof(i), l[i]);
	for (uint64_t n = 1; n <= N; n++) {
		unsigned char root[CG_HASH_LEN], want[CG_HASH_LEN];
		size_t len;

		naive_root(&l[0][0], n, want);
		cg_merkle_root(&l[0][0], n, root);
		CHECK(!memcmp(root, want, CG_HASH_LEN));
		for (uint64_t i = 0; i < n; i++) {
			CHECK_INT(cg_merkle_inclusion(&l[0][0], n, i, proof, &len), 0);
			CHECK_INT(cg_merkle_verify_inclusion(i, n, l[i],
				  (const unsigned char (*)[CG_HASH_LEN])proof, len, root), 0);
			CHECK_INT(cg_merkle_verify_inclusion(i, n, l[(i + 1) % N],
				  (const unsigned char (*)[CG_HASH_LEN])proof, len, root), -1);
		}
		for (uint64_t m = 1; m <= n; m++) {
			unsigned char r1[CG_HASH_LEN];

			naive_root(&l[0][0], m, r1);
			CHECK_INT(cg_merkle_consistency(&l[0][0], n, m, proof, &len), 0);
			CHECK_INT(cg_merkle_verify_consistency(m, n, r1, root,
				  (const unsigned char (*)[CG_HASH_LEN])proof, len), 0);
			if (m < n)
				CHECK_INT(cg_merkle_verify_consistency(m, n, root, root,
					  (const unsigned char (*)[CG_HASH_LEN])proof, len), -1);
		}
		CHECK_INT(cg_merkle_inclusion(&l[0][0], n, n, proof, &len), -1);
	}
}

TEST(consistency_from_a_frontier_is_the_same_proof)
{
	enum { N = 70 };
	static unsigned char l[N][CG_HASH_LEN];
	unsigned char a[CG_MERKLE_MAX_PROOF][CG_HASH_LEN], b[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];

	for (int i = 0; i < N; i++)
		cg_merkle_leaf(&i, sizeof(i), l[i]);
	for (uint64_t m = 1; m <= N; m++) {
		struct cg_merkle_frontier f;

		cg_merkle_frontier_init(&f);
		for (uint64_t i = 0; i < m; i++)
			cg_merkle_frontier_add(&f, l[i]);
		for (uint64_t n = m; n <= N; n++) {
			size_t la, lb;

			CHECK_INT(cg_merkle_consistency(&l[0][0], n, m, a, &la), 0);
			CHECK_INT(cg_merkle_consistency_frontier(&f, l[m], n, b, &lb), 0);
			CHECK_INT(lb, la);
			CHECK(!memcmp(a, b, la * CG_HASH_LEN));
		}
	}
}

/* The big tree: first, middle and last of 1,000,003 leaves. */
TEST(a_tree_of_1000003_leaves)
{
	const uint64_t n = 1000003;
	unsigned char *l = malloc(n * CG_HASH_LEN);
	unsigned char root[CG_HASH_LEN], proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
	const uint64_t which[] = { 0, n / 2, n - 1 };
	size_t len;

	if (!l)
		abort();
	for (uint64_t i = 0; i < n; i++)
		cg_merkle_leaf(&i, sizeof(i), l + i * CG_HASH_LEN);
	cg_merkle_root(l, n, root);
	for (size_t w = 0; w < 3; w++) {
		uint64_t i = which[w];

		CHECK_INT(cg_merkle_inclusion(l, n, i, proof, &len), 0);
		CHECK(len > 0 && len <= 20);
		CHECK_INT(cg_merkle_verify_inclusion(i, n, l + i * CG_HASH_LEN,
			  (const unsigned char (*)[CG_HASH_LEN])proof, len, root), 0);
		proof[len / 2][3] ^= 1;
		CHECK_INT(cg_merkle_verify_inclusion(i, n, l + i * CG_HASH_LEN,
			  (const unsigned char (*)[CG_HASH_LEN])proof, len, root), -1);
	}
	free(l);
}

int main(void)
{
	RUN(empty_tree_is_sha256_of_nothing);
	RUN(roots_of_the_vectors);
	RUN(inclusion_vectors);
	RUN(consistency_vectors);
	RUN(every_proof_of_every_size_up_to_70);
	RUN(consistency_from_a_frontier_is_the_same_proof);
	RUN(a_tree_of_1000003_leaves);
	return UNIT_DONE();
}
