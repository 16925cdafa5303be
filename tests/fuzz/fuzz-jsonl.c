/*
 * libFuzzer target: a record line through cg_jsonl_parse must never crash,
 * and must agree with Jansson (accept the same objects, build equal
 * values).  Then the record goes through the gate rules, which must never
 * crash either.  Built by "make fuzz"; its corpus, tests/fuzz/corpus/jsonl,
 * is replayed by make check (tests/fuzz/replay.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/casebook.h"
#include "rules/checkin.h"
#include "store/config.h"
#include "fuzz.h"
#include "json/jsonl.h"
#include "rules/passbook.h"

static struct cg_config cfg;
static struct cg_passbook passes;
static struct cg_casebook cases;
static struct cg_checkin checkin;

static void setup(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	if (cg_config_parse(&cfg, NULL, 0, "defaults", NULL) < 0)
		abort();
	cg_passbook_init(&passes);
	cg_casebook_init(&cases);
	cg_checkin_init(&checkin, &cfg, &passes, &cases);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[512];
	json_t *mine, *theirs, *d;

	setup();
	mine = cg_jsonl_parse((const char *)data, size, why, sizeof(why));
	theirs = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (theirs && (!json_is_object(theirs) || memchr(data, 0, size))) {
		json_decref(theirs);
		theirs = NULL;
	}
	/* Jansson has no depth limit of ours: only a deep line may differ. */
	if (!mine && theirs && strstr(why, "nesting deeper"))
		theirs = (json_decref(theirs), NULL);
	if (!!mine != !!theirs || (mine && !json_equal(mine, theirs)))
		abort();
	if (mine) {
		d = cg_checkin_decide(&checkin, mine, 1769299200, why, sizeof(why));
		json_decref(d);
	}
	json_decref(mine);
	json_decref(theirs);
	return 0;
}
