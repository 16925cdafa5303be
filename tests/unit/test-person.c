#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules/person.h"
#include "unit.h"

/* 2026-01-25T08:00:00+08:00 */
#define NOW 1769299200LL

#define ID_A "110101199003074514"
#define ID_X "11010519491231002X"

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "(absent or not a string)";
}

/* "ok" or the reason cg_person_normalise gives for the record in text. */
static const char *normalise(const char *text)
{
	static char why[256];
	json_error_t jerr;
	json_t *rec = json_loads(text, 0, &jerr);

	if (!rec)
		return "(bad test JSON)";
	strcpy(why, "(why not set)");
	if (cg_person_normalise(rec, NOW, CG_HOUSEHOLD_ANY, why, sizeof(why)) == 0)
		strcpy(why, "ok");
	json_decref(rec);
	return why;
}

/* The key of the record in text, or "-1" when it identifies nobody. */
static const char *key_of(const char *text)
{
	static char key[CG_PERSON_KEY_LEN + 16];
	char k[CG_PERSON_KEY_LEN];
	json_t *rec = json_loads(text, 0, NULL);

	if (!rec)
		return "(bad test JSON)";
	memset(k, 'Z', sizeof(k));
	if (cg_person_key(rec, k) == 0)
		snprintf(key, sizeof(key), "%s", k);
	else
		snprintf(key, sizeof(key), "-1 [%s]", k[0] ? "key not cleared" : "");
	json_decref(rec);
	return key;
}

/*
 * msg with the value quoted after "invalid FIELD " replaced by "<masked>",
 * or "(shows 'RAW': msg)" when the raw value appears in it: messages are
 * read by people and must not carry a whole ID or phone number.
 */
static const char *masked_msg(const char *msg, const char *raw)
{
	static char out[512];
	const char *open = strchr(msg, '\''), *close = open ? strstr(open + 1, "': ") : NULL;

	if (strstr(msg, raw)) {
		snprintf(out, sizeof(out), "(shows '%s': %s)", raw, msg);
		return out;
	}
	if (!open || !close)
		return msg;
	snprintf(out, sizeof(out), "%.*s<masked>%s", (int)(open - msg + 1), msg, close);
	return out;
}

TEST(normalise_all_fields)
{
	json_t *rec = json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", "张三",
				"id_no", "11010519491231002x",
				"phone", "+86 138-1234-8000",
				"household", "a3-1-1102", "x_custom", 7);
	char why[128] = "";

	CHECK_INT(cg_person_normalise(rec, NOW, CG_HOUSEHOLD_ANY, why, sizeof(why)), 0);
	CHECK_STR(str(rec, "id_no"), ID_X);
	CHECK_STR(str(rec, "phone"), "13812348000");
	CHECK_STR(str(rec, "household"), "A3-1-1102");
	CHECK_STR(str(rec, "name"), "张三");
	CHECK_INT(json_integer_value(json_object_get(rec, "x_custom")), 7);
	CHECK_INT(json_object_size(rec), 5);
	/* Idempotent. */
	CHECK_INT(cg_person_normalise(rec, NOW, CG_HOUSEHOLD_ANY, why, sizeof(why)), 0);
	CHECK_STR(str(rec, "id_no"), ID_X);
	CHECK_STR(str(rec, "phone"), "13812348000");
	CHECK_STR(str(rec, "household"), "A3-1-1102");
	json_decref(rec);
}

TEST(normalise_keeps_order)
{
	json_t *rec = json_pack("{s:s,s:s,s:s,s:s}", "household", "b-1-1",
				"phone", "0086 13812348000", "gate", "north",
				"id_no", ID_A);
	const char *key;
	json_t *v;
	char order[128] = "", why[128];

	CHECK_INT(cg_person_normalise(rec, NOW, CG_HOUSEHOLD_ANY, why, sizeof(why)), 0);
	json_object_foreach(rec, key, v) {
		strcat(order, key);
		strcat(order, " ");
	}
	CHECK_STR(order, "household phone gate id_no ");
	CHECK_STR(str(rec, "household"), "B-1-1");
	json_decref(rec);
}

TEST(normalise_absent_fields)
{
	CHECK_STR(normalise("{}"), "ok");
	CHECK_STR(normalise("{\"name\":\"李四\"}"), "ok");
	CHECK_STR(normalise("{\"gate\":\"north\",\"temp\":36.5}"), "ok");
}

TEST(wrong_types)
{
	CHECK_STR(normalise("{\"id_no\":123}"), "'id_no' must be a string");
	CHECK_STR(normalise("{\"id_no\":null}"), "'id_no' must be a string");
	CHECK_STR(normalise("{\"phone\":13812348000}"), "'phone' must be a string");
	CHECK_STR(normalise("{\"household\":[3,2,501]}"), "'household' must be a string");
	CHECK_STR(normalise("{\"name\":5}"), "'name' must be a non-empty string");
	CHECK_STR(normalise("{\"name\":{\"zh\":\"张三\"}}"), "'name' must be a non-empty string");
}

TEST(empty_name)
{
	CHECK_STR(normalise("{\"name\":\"\"}"), "'name' must be a non-empty string");
	CHECK_STR(normalise("{\"name\":\"\",\"id_no\":\"" ID_A "\"}"),
		  "'name' must be a non-empty string");
}

TEST(invalid_values)
{
	/* Masked as everywhere people read them. */
	CHECK_STR(normalise("{\"id_no\":\"110101199003074515\"}"),
		  "invalid id_no '1101**********4515': wrong check character");
	CHECK_STR(masked_msg(normalise("{\"id_no\":\"11010119900307451\"}"),
			     "11010119900307451"),
		  "invalid id_no '<masked>': must be 18 characters");
	CHECK_STR(masked_msg(normalise("{\"id_no\":\"\"}"), "\"\""),
		  "invalid id_no '<masked>': must be 18 characters");
	CHECK_STR(masked_msg(normalise("{\"phone\":\"12345\"}"), "12345"),
		  "invalid phone '<masked>': not a mainland mobile number");
	CHECK_STR(masked_msg(normalise("{\"phone\":\"+86 139-1234-5678x\"}"),
			     "139-1234-5678"),
		  "invalid phone '<masked>': not a mainland mobile number");
	/* A household is not personal enough to hide. */
	CHECK_STR(normalise("{\"household\":\"3\"}"),
		  "invalid household '3': must be building-unit-room or building-room, "
		  "e.g. 3-2-501 or 12-301");
	/* The forms people type come out in the one canonical form. */
	CHECK_STR(normalise("{\"household\":\"3栋2单元501\",\"phone\":\"+86 (0) 138 0013 8000\","
			    "\"id_no\":\"１１０１０１１９９００３０７４５１４\\n\"}"), "ok");
	/* The first bad field is the one reported. */
	CHECK_STR(masked_msg(normalise("{\"phone\":\"1\",\"id_no\":\"1\"}"), "'1'"),
		  "invalid id_no '<masked>': must be 18 characters");
}

TEST(invalid_leaves_why_bounded)
{
	char why[16];
	json_t *rec = json_pack("{s:s}", "id_no", "110101199003074515");

	memset(why, 'Z', sizeof(why));
	CHECK_INT(cg_person_normalise(rec, NOW, CG_HOUSEHOLD_ANY, why, sizeof(why)), -1);
	CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	CHECK(!strncmp(why, "invalid id_no", 13));
	json_decref(rec);
}

TEST(future_birth_date)
{
	/* Born 2026-01-26: after the local date of now (TZ CST-8). */
	CHECK_STR(normalise("{\"id_no\":\"110101202601264515\"}"),
		  "invalid id_no '1101**********4515': birth date in the future");
}

TEST(key_precedence)
{
	CHECK_STR(key_of("{\"id_no\":\"" ID_A "\",\"phone\":\"13812348000\","
			 "\"name\":\"张三\",\"household\":\"3-2-501\"}"),
		  "id:" ID_A);
	CHECK_STR(key_of("{\"phone\":\"13812348000\",\"name\":\"张三\","
			 "\"household\":\"3-2-501\"}"),
		  "phone:13812348000");
	CHECK_STR(key_of("{\"name\":\"张三\",\"household\":\"3-2-501\"}"),
		  "name:张三@3-2-501");
	/* Field order in the record does not matter. */
	CHECK_STR(key_of("{\"household\":\"3-2-501\",\"phone\":\"13812348000\","
			 "\"id_no\":\"" ID_A "\"}"),
		  "id:" ID_A);
}

TEST(key_none)
{
	CHECK_STR(key_of("{}"), "-1 []");
	CHECK_STR(key_of("{\"name\":\"张三\"}"), "-1 []");
	CHECK_STR(key_of("{\"household\":\"3-2-501\"}"), "-1 []");
	CHECK_STR(key_of("{\"gate\":\"north\",\"temp\":36.5}"), "-1 []");
}

TEST(key_too_long)
{
	char name[200], text[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"name\":\"%s\",\"household\":\"3-2-501\"}", name);
	CHECK_STR(key_of(text), "-1 []");
}

TEST(get_string)
{
	json_t *rec = json_pack("{s:s,s:i,s:n}", "a", "x", "n", 5, "z");
	int bad = 0;

	CHECK_STR(cg_get_string(rec, "a", &bad), "x");
	CHECK_INT(bad, 0);
	CHECK(cg_get_string(rec, "missing", &bad) == NULL);
	CHECK_INT(bad, 0);
	CHECK(cg_get_string(rec, "n", &bad) == NULL);
	CHECK_INT(bad, 1);
	bad = 0;
	CHECK(cg_get_string(rec, "z", &bad) == NULL);
	CHECK_INT(bad, 1);
	json_decref(rec);
}

/* The keys of the record in text, joined by " | ", with their count. */
static const char *keys_of(const char *text)
{
	static char out[4 * CG_PERSON_KEY_LEN];
	char keys[3][CG_PERSON_KEY_LEN];
	json_t *rec = json_loads(text, 0, NULL);
	size_t n = 0;
	int i, count;

	if (!rec)
		return "(bad test JSON)";
	count = cg_person_keys(rec, keys);
	n = (size_t)snprintf(out, sizeof(out), "%d", count);
	for (i = 0; i < count && i < 3; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
				      i ? " | " : ": ", keys[i]);
	json_decref(rec);
	return out;
}

TEST(keys_strongest_first)
{
	CHECK_STR(keys_of("{\"household\":\"3-2-501\",\"name\":\"张三\","
			  "\"phone\":\"13812348000\",\"id_no\":\"" ID_A "\"}"),
		  "3: id:" ID_A " | phone:13812348000 | name:张三@3-2-501");
	CHECK_STR(keys_of("{\"phone\":\"13812348000\",\"id_no\":\"" ID_A "\"}"),
		  "2: id:" ID_A " | phone:13812348000");
	CHECK_STR(keys_of("{\"phone\":\"13812348000\",\"name\":\"张三\"}"),
		  "1: phone:13812348000");
	CHECK_STR(keys_of("{\"name\":\"张三\",\"household\":\"3-2-501\"}"),
		  "1: name:张三@3-2-501");
	CHECK_STR(keys_of("{\"name\":\"张三\"}"), "0");
	CHECK_STR(keys_of("{}"), "0");
}

TEST(keys_agree_with_key)
{
	static const char *const recs[] = {
		"{\"id_no\":\"" ID_A "\",\"phone\":\"13812348000\"}",
		"{\"phone\":\"13812348000\",\"name\":\"张三\",\"household\":\"3-2-501\"}",
		"{\"name\":\"张三\",\"household\":\"3-2-501\"}",
		NULL
	};
	int i;

	/* The first of the keys is the key. */
	for (i = 0; recs[i]; i++) {
		json_t *rec = json_loads(recs[i], 0, NULL);
		char keys[3][CG_PERSON_KEY_LEN], key[CG_PERSON_KEY_LEN];

		CHECK(cg_person_keys(rec, keys) >= 1);
		CHECK_INT(cg_person_key(rec, key), 0);
		CHECK_STR(keys[0], key);
		json_decref(rec);
	}
}

static int same(const char *a, const char *b)
{
	json_t *x = json_loads(a, 0, NULL), *y = json_loads(b, 0, NULL);
	int r = x && y ? cg_person_same(x, y) : -1;

	json_decref(x);
	json_decref(y);
	return r;
}

#define P_ID_A "\"id_no\":\"" ID_A "\""
#define P_ID_B "\"id_no\":\"" ID_X "\""
#define P_PH_1 "\"phone\":\"13812348000\""
#define P_PH_2 "\"phone\":\"13900001111\""

TEST(same_person)
{
	/* By ID number when both have one, whatever else they carry. */
	CHECK_INT(same("{" P_ID_A "}", "{" P_ID_A "}"), 1);
	CHECK_INT(same("{" P_ID_A "}", "{" P_ID_B "}"), 0);
	CHECK_INT(same("{" P_ID_A "," P_PH_1 "}", "{" P_ID_B "," P_PH_1 "}"), 0);
	CHECK_INT(same("{" P_ID_A "," P_PH_1 "}", "{" P_ID_A "," P_PH_2 "}"), 1);
	/* Else by phone. */
	CHECK_INT(same("{" P_ID_A "," P_PH_1 "}", "{" P_PH_1 "}"), 1);
	CHECK_INT(same("{" P_ID_A "," P_PH_1 "}", "{" P_PH_2 "}"), 0);
	CHECK_INT(same("{" P_PH_1 "}", "{" P_ID_A "," P_PH_2 "}"), 0);
	/* Else by name and household. */
	CHECK_INT(same("{\"name\":\"张三\",\"household\":\"3-2-501\"}",
		       "{\"name\":\"张三\",\"household\":\"3-2-501\"," P_ID_A "}"), 1);
	CHECK_INT(same("{\"name\":\"张三\",\"household\":\"3-2-501\"}",
		       "{\"name\":\"李四\",\"household\":\"3-2-501\"}"), 0);
	CHECK_INT(same("{\"name\":\"张三\",\"household\":\"3-2-501\"}",
		       "{\"name\":\"张三\",\"household\":\"3-2-502\"}"), 0);
	/* Nothing to tell them apart: they can be. */
	CHECK_INT(same("{}", "{" P_ID_A "}"), 1);
	CHECK_INT(same("{" P_PH_1 "}", "{" P_ID_A "}"), 1);
	/* Symmetric. */
	CHECK_INT(same("{" P_PH_2 "}", "{" P_ID_A "," P_PH_1 "}"), 0);
	CHECK_INT(same("{" P_PH_1 "}", "{" P_ID_A "," P_PH_1 "}"), 1);
}

/* The normal form of a name, for the table below. */
static const char *norm(const char *name)
{
	static char out[CG_PERSON_NAME_LEN];

	return cg_person_name_normalise(name, out);
}

TEST(name_normalise)
{
	CHECK_STR(norm("胡建华"), "胡建华");
	/* Spaces of every kind go: ASCII, ideographic, no-break, thin,
	 * zero-width, a BOM pasted from a form. */
	CHECK_STR(norm(" 胡 建\t华 "), "胡建华");
	CHECK_STR(norm("胡\u3000建华\u3000"), "胡建华");
	CHECK_STR(norm("\u00a0胡\u2009建\u200b华\ufeff"), "胡建华");
	/* Full-width ASCII is ASCII, and ASCII letters one case. */
	CHECK_STR(norm("Ｌｉ　Ｍｉｎｇ"), "liming");
	CHECK_STR(norm("LI ming"), "liming");
	CHECK_STR(norm("张三１"), "张三1");
	/* The dot between the parts of a name, however typed. */
	CHECK_STR(norm("买买提·艾力"), "买买提·艾力");
	CHECK_STR(norm("买买提・艾力"), "买买提·艾力");
	CHECK_STR(norm("买买提．艾力"), "买买提·艾力");
	CHECK_STR(norm("买买提 • 艾力"), "买买提·艾力");
	/* Nothing else: other letters stay, an empty name stays empty. */
	CHECK_STR(norm("欧阳娜娜"), "欧阳娜娜");
	CHECK_STR(norm("　"), "");
	/* Too long: cut at a character, never inside one. */
	{
		char big[400] = "";

		for (int i = 0; i < 100; i++)
			strcat(big, "张");
		CHECK_INT(strlen(norm(big)), 126);
	}
}

/* cg_person_match(known, seen) as text. */
static const char *match(const char *known, const char *seen)
{
	json_t *k = json_loads(known, 0, NULL), *s = json_loads(seen, 0, NULL);
	enum cg_person_match m;

	if (!k || !s)
		return "(bad test JSON)";
	m = cg_person_match(k, s);
	json_decref(k);
	json_decref(s);
	return m == CG_MATCH_STRONG ? "strong" : m == CG_MATCH_WEAK ? "weak" : "none";
}

#define NAME "\"name\":\"胡建华\""
#define HH "\"household\":\"3-2-501\""

TEST(person_match)
{
	/* Known by ID number. */
	CHECK_STR(match("{" NAME "," P_ID_A "," P_PH_1 "," HH "}", "{" P_ID_A "}"), "strong");
	CHECK_STR(match("{" NAME "," P_ID_A "," P_PH_1 "," HH "}", "{" P_PH_1 "}"), "weak");
	CHECK_STR(match("{" NAME "," P_ID_A "," P_PH_1 "," HH "}", "{" NAME "," HH "}"), "weak");
	CHECK_STR(match("{" NAME "," P_ID_A "," P_PH_1 "," HH "}", "{" NAME "}"), "weak");
	CHECK_STR(match("{" NAME "," P_ID_A "}", "{\"name\":\"胡　建华\"}"), "weak");
	/* The strongest identifier both carry decides, even against the rest. */
	CHECK_STR(match("{" NAME "," P_ID_A "}", "{" NAME "," P_ID_B "}"), "none");
	CHECK_STR(match("{" NAME "," P_ID_A "," P_PH_1 "}", "{" NAME "," P_PH_2 "}"), "none");
	CHECK_STR(match("{" NAME "," P_ID_A "," HH "}", "{" NAME ",\"household\":\"3-2-502\"}"),
		  "none");
	CHECK_STR(match("{" NAME "," P_ID_A "}", "{\"name\":\"胡建国\"}"), "none");
	/* Known by phone. */
	CHECK_STR(match("{" NAME "," P_PH_1 "," HH "}", "{" P_PH_1 "}"), "strong");
	CHECK_STR(match("{" NAME "," P_PH_1 "," HH "}", "{" P_ID_A "," P_PH_1 "}"), "strong");
	CHECK_STR(match("{" NAME "," P_PH_1 "," HH "}", "{" NAME "," HH "}"), "weak");
	CHECK_STR(match("{" NAME "," P_PH_1 "," HH "}", "{" NAME "}"), "weak");
	CHECK_STR(match("{" NAME "," P_PH_1 "}", "{" NAME "," P_ID_A "}"), "weak");
	/* Known by name and household. */
	CHECK_STR(match("{" NAME "," HH "}", "{" NAME "," HH "}"), "strong");
	CHECK_STR(match("{" NAME "," HH "}", "{\"name\":\" 胡建华\"," HH "," P_ID_A "}"),
		  "strong");
	CHECK_STR(match("{" NAME "," HH "}", "{" NAME "}"), "weak");
	CHECK_STR(match("{" NAME "," HH "}", "{" NAME "," P_PH_1 "}"), "weak");
	/* Nothing in common. */
	CHECK_STR(match("{" NAME "," P_ID_A "}", "{" P_PH_1 "}"), "none");
	CHECK_STR(match("{" NAME "," P_ID_A "}", "{}"), "none");
	CHECK_STR(match("{}", "{" NAME "}"), "none");
	/* A name of spaces alone names nobody. */
	CHECK_STR(match("{\"name\":\"　\"," P_ID_A "}", "{\"name\":\" \"}"), "none");
}

TEST(same_person_normalised_names)
{
	CHECK_INT(same("{\"name\":\"张三\",\"household\":\"3-2-501\"}",
		       "{\"name\":\"张　三\",\"household\":\"3-2-501\"}"), 1);
	CHECK_INT(same("{\"name\":\"Ｌｉ Ｍｉｎｇ\"}", "{\"name\":\"li ming\"}"), 1);
}

int main(void)
{
	setenv("TZ", "CST-8", 1);
	tzset();

	RUN(normalise_all_fields);
	RUN(normalise_keeps_order);
	RUN(normalise_absent_fields);
	RUN(wrong_types);
	RUN(empty_name);
	RUN(invalid_values);
	RUN(invalid_leaves_why_bounded);
	RUN(future_birth_date);
	RUN(key_precedence);
	RUN(key_none);
	RUN(key_too_long);
	RUN(get_string);
	RUN(keys_strongest_first);
	RUN(keys_agree_with_key);
	RUN(same_person);
	RUN(name_normalise);
	RUN(person_match);
	RUN(same_person_normalised_names);
	return UNIT_DONE();
}
