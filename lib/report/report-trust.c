/*
 * The checkpoints of the reports rolled up, checked against the trust
 * file and the witness (report-trust.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "crypto/tlogproof.h"
#include "report/report-trust.h"
#include "store/tlog.h"
#include "store/witness.h"

/* A checkpoint whose signature verified, for the checks between them. */
struct seen {
	char code[64], journal[128];
	struct cg_checkpoint cp;
	int has_proof;
	uint64_t old;
	size_t nproof;
	unsigned char proof[CG_MERKLE_MAX_PROOF][CG_HASH_LEN];
};

struct cg_trust {
	const struct cg_note_key *keys;
	size_t nkeys;
	const struct cg_home *witness;
	struct seen *v;
	size_t n, alloc;
	json_t *alerts;
};

struct cg_trust *cg_trust_new(const struct cg_note_key *keys, size_t nkeys,
			      const struct cg_home *witness)
{
	struct cg_trust *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->keys = keys;
	t->nkeys = nkeys;
	t->witness = witness;
	t->alerts = json_array();
	return t;
}

void cg_trust_free(struct cg_trust *t)
{
	if (!t)
		return;
	free(t->v);
	json_decref(t->alerts);
	free(t);
}

/* An alert about the checkpoint of journal; origin and size when known. */
static void alert(struct cg_trust *t, const char *code, const char *compound,
		  const char *journal, const struct cg_checkpoint *cp, const char *reason)
{
	json_t *a = json_pack("{s:s, s:s, s:s, s:s}", "code", code, "severity", "alert",
			      "compound", compound, "journal", journal);

	if (cp) {
		json_object_set_new(a, "origin", json_string(cp->origin));
		json_object_set_new(a, "size", json_integer((json_int_t)cp->size));
	}
	json_object_set_new(a, "reason", json_string(reason));
	json_array_append_new(t->alerts, a);
}

/* Whether the journal of id is the one the entry names (a day may have
 * been compressed since). */
static int same_journal(const struct cg_tlog_id *id, const char *journal)
{
	size_t n = strlen(id->label);

	return !strncmp(journal, id->label, n) && (!journal[n] || !strcmp(journal + n, ".gz"));
}

/* The size and root the entry states are those signed: 0 or -1. */
static int entry_agrees(const json_t *c, const struct cg_checkpoint *cp)
{
	const char *root = json_string_value(json_object_get(c, "root"));
	const char *origin = json_string_value(json_object_get(c, "origin"));
	unsigned char r[CG_HASH_LEN];

	return json_integer_value(json_object_get(c, "size")) == (json_int_t)cp->size &&
		root && cg_hash_unb64(root, strlen(root), r) == 0 &&
		!memcmp(r, cp->root, CG_HASH_LEN) && origin && !strcmp(origin, cp->origin) ? 0 : -1;
}

/* {"old":M,"proof":[BASE64...]} into s: 0, or -1 when malformed. */
static int parse_consistency(const json_t *c, struct seen *s)
{
	const json_t *proof = json_object_get(c, "proof"), *v;
	json_int_t old = json_integer_value(json_object_get(c, "old"));
	size_t i;

	if (!c)
		return 0;
	if (!json_is_integer(json_object_get(c, "old")) || old < 1 ||
	    (uint64_t)old > s->cp.size || !json_is_array(proof) ||
	    json_array_size(proof) >= CG_MERKLE_MAX_PROOF)
		return -1;
	json_array_foreach(proof, i, v) {
		const char *b = json_string_value(v);

		if (!b || cg_hash_unb64(b, strlen(b), s->proof[i]) < 0)
			return -1;
	}
	s->has_proof = 1;
	s->old = (uint64_t)old;
	s->nproof = json_array_size(proof);
	return 0;
}

static struct seen *push(struct cg_trust *t)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->v = realloc(t->v, t->alloc * sizeof(*t->v));
		if (!t->v)
			abort();
	}
	memset(&t->v[t->n], 0, sizeof(t->v[t->n]));
	return &t->v[t->n];
}

/* The checkpoint of one journals entry: kept when it verifies, else an
 * alert. */
static void check_entry(struct cg_trust *t, const char *code, const json_t *entry)
{
	const char *journal = json_string_value(json_object_get(entry, "journal")) ?: "";
	const json_t *c = json_object_get(entry, "checkpoint");
	const char *note = json_string_value(json_object_get(c, "note")), *why;
	struct seen *s = push(t);
	struct cg_tlog_id id;
	size_t signer;

	if (!note) {
		alert(t, "checkpoint_unverifiable", code, journal, NULL,
		      N_("the report carries no signed checkpoint of the journal"));
		return;
	}
	if (cg_tlog_checkpoint_check(note, strlen(note), t->keys, t->nkeys, &s->cp, &signer,
				     &why) < 0) {
		/* note.c's words for a note no trusted key signed */
		alert(t, strcmp(why, "not signed by a known key") ? "checkpoint_unverifiable" :
		      "checkpoint_unknown_key", code, journal, NULL, why);
		return;
	}
	if (strcmp(t->keys[signer].name, code))
		why = N_("the checkpoint is signed with another compound's key");
	else if (cg_tlog_id_from_origin(s->cp.origin, code, &id) < 0 || !same_journal(&id, journal))
		why = N_("the checkpoint is of another journal");
	else if (entry_agrees(c, &s->cp) < 0)
		why = N_("the report's origin, size or root is not the one signed");
	else if (parse_consistency(json_object_get(c, "consistency"), s) < 0)
		why = N_("the report's consistency proof is malformed");
	else
		why = NULL;
	if (why) {
		alert(t, "checkpoint_unverifiable", code, journal, &s->cp, why);
		return;
	}
	snprintf(s->code, sizeof(s->code), "%s", code);
	snprintf(s->journal, sizeof(s->journal), "%s", journal);
	t->n++;
}

void cg_trust_add(struct cg_trust *t, const char *code, const json_t *journals)
{
	const json_t *e;
	size_t i;

	json_array_foreach(journals, i, e)
		check_entry(t, code, e);
}

static int by_origin_size(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->cp.origin, y->cp.origin);

	if (c)
		return c;
	return (x->cp.size > y->cp.size) - (x->cp.size < y->cp.size);
}

/*
 * Whether s is consistent with prev, a smaller or equal checkpoint of its
 * journal (held: the witness's): NULL, or why not, and in *code the alert.
 */
static const char *against(const struct seen *s, const struct cg_checkpoint *prev, int held,
			   const char **code)
{
	*code = "checkpoint_inconsistent";
	if (s->cp.size < prev->size)
		return N_("the checkpoint is smaller than the one the witness holds: rolled back");
	if (s->cp.size == prev->size)
		return memcmp(s->cp.root, prev->root, CG_HASH_LEN) ?
			N_("two checkpoints of the same size with different roots") : NULL;
	if (s->has_proof && s->old == prev->size)
		return cg_merkle_verify_consistency(prev->size, s->cp.size, prev->root, s->cp.root,
						    (const unsigned char (*)[CG_HASH_LEN])s->proof,
						    s->nproof) < 0 ?
			N_("the consistency proof does not lead from the earlier checkpoint") : NULL;
	*code = "checkpoint_unverifiable";
	if (held)
		return N_("no consistency proof from the checkpoint the witness holds");
	/* A compound proves each checkpoint from the one it signed before:
	 * none, or one before prev, means the checkpoints prev was among
	 * were thrown away.  From a later one (signed between two reports)
	 * there is nothing to check. */
	if (!s->has_proof)
		return N_("no consistency proof, though an earlier checkpoint of the journal was shown");
	return s->old < prev->size ?
		N_("the consistency proof skips an earlier checkpoint of the journal that was shown") :
		NULL;
}

/* The checkpoints of one origin, v[0..n) by size. */
static void check_origin(struct cg_trust *t, const struct seen *v, size_t n)
{
	struct cg_err err = CG_ERR_INIT;
	struct cg_checkpoint held;
	const struct cg_checkpoint *prev = NULL;
	const char *why, *code;
	int st = t->witness ? cg_witness_held(t->witness, v[0].cp.origin, &held, &err) : -2;

	if (st == -1) {
		for (size_t i = 0; i < n; i++)
			alert(t, "checkpoint_unverifiable", v[i].code, v[i].journal, &v[i].cp,
			      N_("the witness's record of the journal cannot be read"));
		return;
	}
	if (st == 0)
		prev = &held;
	for (size_t i = 0; i < n; i++) {
		int from_held = prev == &held;

		why = prev ? against(&v[i], prev, from_held, &code) : NULL;
		if (why)
			alert(t, code, v[i].code, v[i].journal, &v[i].cp, why);
		if (!from_held || v[i].cp.size >= held.size)
			prev = &v[i].cp;
	}
}

/* One more warning and alert in the row of compound code. */
static void count_in_row(json_t *rows, const char *code)
{
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "code")) ?: "", code))
			continue;
		json_object_set_new(r, "warnings", json_integer(json_integer_value(json_object_get(r, "warnings")) + 1));
		json_object_set_new(r, "alerts", json_integer(json_integer_value(json_object_get(r, "alerts")) + 1));
		return;
	}
}

void cg_trust_finish(struct cg_trust *t, json_t *warnings, json_t *rows)
{
	size_t i, j;
	json_t *a;

	qsort(t->v, t->n, sizeof(*t->v), by_origin_size);
	for (i = 0; i < t->n; i = j) {
		for (j = i + 1; j < t->n && !strcmp(t->v[j].cp.origin, t->v[i].cp.origin); j++)
			;
		check_origin(t, t->v + i, j - i);
	}
	json_array_foreach(t->alerts, i, a) {
		json_array_append(warnings, a);
		count_in_row(rows, json_string_value(json_object_get(a, "compound")));
	}
	json_array_clear(t->alerts);
}
