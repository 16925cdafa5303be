#include <stdio.h>
#include <string.h>

#include "core/form.h"
#include "core/i18n.h"
#include "core/mask.h"
#include "rules/person.h"
#include "rules/validate.h"

const char *cg_get_string(const json_t *rec, const char *key, int *bad)
{
	const json_t *v = json_object_get(rec, key);

	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

int cg_field_string(const json_t *rec, const char *field, int required,
		    const char **out, char *why, size_t whylen)
{
	int bad = 0;

	*out = cg_get_string(rec, field, &bad);
	if (bad)
		snprintf(why, whylen, _("'%s' must be a string"), field);
	else if (!*out && required)
		snprintf(why, whylen, _("missing field '%s'"), field);
	else if (*out && !**out)
		snprintf(why, whylen, _("'%s' must not be empty"), field);
	else
		return 0;
	return -1;
}

static int wrong_type(const char *field, const char *want, char *why, size_t whylen)
{
	snprintf(why, whylen, _("'%s' must be %s"), field, want);
	return -1;
}

int cg_person_field_valid(enum cg_person_field f, const char *s, cg_time_t now,
			  enum cg_household_form hf, char *out, const char **why)
{
	if (f == CG_PERSON_ID_NO)
		return cg_valid_id_no(s, now, out, why);
	if (f == CG_PERSON_PHONE)
		return cg_valid_phone(s, out, why);
	return cg_valid_household(s, hf, out, why);
}

/* Validate and normalise one identifying string field in place. */
static int person_field(json_t *rec, const char *field, enum cg_person_field f, cg_time_t now,
			enum cg_household_form hf, char *why, size_t whylen)
{
	char out[CG_HOUSEHOLD_LEN + CG_ID_NO_LEN];
	const char *reason;
	int bad = 0;
	const char *s = cg_get_string(rec, field, &bad);

	if (bad)
		return wrong_type(field, _("a string"), why, whylen);
	if (!s)
		return 0;
	if (cg_person_field_valid(f, s, now, hf, out, &reason) < 0) {
		char shown[64];

		/* Messages are read by people: no full ID or phone number in
		 * them (the rejects file keeps the line whole). */
		if (f == CG_PERSON_ID_NO)
			cg_mask_id_no(s, shown, sizeof(shown));
		else if (f == CG_PERSON_PHONE)
			cg_mask_phone(s, shown, sizeof(shown));
		else
			snprintf(shown, sizeof(shown), "%s", s);
		snprintf(why, whylen, _("invalid %s '%s': %s"), field, shown, reason);
		return -1;
	}
	if (strcmp(out, s))
		json_object_set_new(rec, field, json_string(out));
	return 0;
}

int cg_person_normalise(json_t *rec, cg_time_t now, enum cg_household_form hf,
			char *why, size_t whylen)
{
	const json_t *name = json_object_get(rec, "name");

	if (name && (!json_is_string(name) || !json_string_length(name)))
		return wrong_type("name", _("a non-empty string"), why, whylen);
	if (person_field(rec, "id_no", CG_PERSON_ID_NO, now, hf, why, whylen) < 0 ||
	    person_field(rec, "phone", CG_PERSON_PHONE, now, hf, why, whylen) < 0 ||
	    person_field(rec, "household", CG_PERSON_HOUSEHOLD, now, hf, why, whylen) < 0)
		return -1;
	return 0;
}

int cg_person_key(const json_t *rec, char key[CG_PERSON_KEY_LEN])
{
	const char *id = json_string_value(json_object_get(rec, "id_no"));
	const char *phone = json_string_value(json_object_get(rec, "phone"));
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *hh = json_string_value(json_object_get(rec, "household"));
	int n;

	if (id)
		n = cg_person_key_join(key, "id:", id, NULL);
	else if (phone)
		n = cg_person_key_join(key, "phone:", phone, NULL);
	else if (name && hh)
		n = cg_person_key_join(key, "name:", name, hh);
	else {
		key[0] = '\0';
		n = -1;
	}
	return n < 0 ? -1 : 0;
}

int cg_person_key_join(char key[CG_PERSON_KEY_LEN], const char *prefix, const char *a,
		       const char *b)
{
	const char *parts[4] = { prefix, a, b ? "@" : NULL, b };
	size_t n = 0;

	for (int i = 0; i < 4 && parts[i]; i++) {
		size_t len = strlen(parts[i]);

		if (len >= CG_PERSON_KEY_LEN - n) {
			key[0] = '\0';
			return -1;
		}
		memcpy(key + n, parts[i], len);
		n += len;
	}
	key[n] = '\0';
	return (int)n;
}

int cg_person_keys(const json_t *rec, char keys[3][CG_PERSON_KEY_LEN])
{
	return cg_person_keys_of(json_string_value(json_object_get(rec, "id_no")),
				 json_string_value(json_object_get(rec, "phone")),
				 json_string_value(json_object_get(rec, "name")),
				 json_string_value(json_object_get(rec, "household")), keys);
}

int cg_person_keys_of(const char *id, const char *phone, const char *name, const char *hh,
		      char keys[3][CG_PERSON_KEY_LEN])
{
	int n = 0;

	if (id && cg_person_key_join(keys[n], "id:", id, NULL) >= 0)
		n++;
	if (phone && cg_person_key_join(keys[n], "phone:", phone, NULL) >= 0)
		n++;
	if (name && hh && cg_person_key_join(keys[n], "name:", name, hh) >= 0)
		n++;
	return n;
}

/* ---- names as the gate compares them ---- */

/* The dot between the parts of a name (买买提·艾力), however it was typed. */
static int is_name_dot(unsigned c)
{
	return c == '.' || c == 0xB7 || c == 0x2022 || c == 0x2027 || c == 0x30FB ||
	       c == 0xFF65;
}

char *cg_person_name_normalise(const char *s, char out[CG_PERSON_NAME_LEN])
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	while (*p) {
		unsigned c = cg_utf8_decode(&p);
		char enc[4];
		size_t len;

		if (cg_unicode_space(c))
			continue;
		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0;	/* full-width ASCII */
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (is_name_dot(c))
			c = 0xB7;
		len = cg_utf8_encode(c, enc);
		if (n + len >= CG_PERSON_NAME_LEN)
			break;
		memcpy(out + n, enc, len);
		n += len;
	}
	out[n] = '\0';
	return out;
}

/* ---- one person or two ---- */

/* -1: not both have it; 0: equal; 1: differ. */
static int compare_field(const json_t *a, const json_t *b, const char *field)
{
	const char *x = json_string_value(json_object_get(a, field));
	const char *y = json_string_value(json_object_get(b, field));

	if (!x || !y)
		return -1;
	return strcmp(x, y) != 0;
}

static int compare_names(const json_t *a, const json_t *b)
{
	const char *x = json_string_value(json_object_get(a, "name"));
	const char *y = json_string_value(json_object_get(b, "name"));
	char nx[CG_PERSON_NAME_LEN], ny[CG_PERSON_NAME_LEN];

	if (!x || !y)
		return -1;
	if (!strcmp(x, y))
		return 0;
	return strcmp(cg_person_name_normalise(x, nx), cg_person_name_normalise(y, ny)) != 0;
}

int cg_person_same(const json_t *a, const json_t *b)
{
	int d = compare_field(a, b, "id_no");

	if (d < 0)
		d = compare_field(a, b, "phone");
	if (d < 0 && (d = compare_names(a, b)) == 0)
		d = compare_field(a, b, "household");
	return d != 1;
}

/* The identifiers of cg_person_match, strongest first. */
enum ident { ID_NO, PHONE, NAME_HOUSEHOLD, NAME_ONLY, NO_IDENT };

static int carries(const json_t *rec, enum ident k)
{
	switch (k) {
	case ID_NO:
		return json_is_string(json_object_get(rec, "id_no"));
	case PHONE:
		return json_is_string(json_object_get(rec, "phone"));
	case NAME_HOUSEHOLD:
		return carries(rec, NAME_ONLY) && json_is_string(json_object_get(rec, "household"));
	case NAME_ONLY: {
		/* A name of spaces alone names nobody. */
		const char *name = json_string_value(json_object_get(rec, "name"));
		char norm[CG_PERSON_NAME_LEN];

		return name && *cg_person_name_normalise(name, norm);
	}
	default:
		return 0;
	}
}

/* 0 when a and b (both carrying k) agree on it, 1 when they differ. */
static int differ_on(const json_t *a, const json_t *b, enum ident k)
{
	switch (k) {
	case ID_NO:
		return compare_field(a, b, "id_no");
	case PHONE:
		return compare_field(a, b, "phone");
	case NAME_HOUSEHOLD:
		return compare_names(a, b) || compare_field(a, b, "household");
	default:
		return compare_names(a, b);
	}
}

enum cg_person_match cg_person_match(const json_t *known, const json_t *seen)
{
	enum ident strongest = NO_IDENT;

	for (enum ident k = ID_NO; k < NO_IDENT; k++) {
		if (!carries(known, k))
			continue;
		if (strongest == NO_IDENT)
			strongest = k;
		if (!carries(seen, k))
			continue;
		if (differ_on(known, seen, k))
			return CG_MATCH_NONE;
		return k == strongest ? CG_MATCH_STRONG : CG_MATCH_WEAK;
	}
	return CG_MATCH_NONE;
}

int cg_field_symptoms(const json_t *symptoms, int allow_empty, char *why,
		      size_t whylen)
{
	size_t i;
	json_t *v;

	if (!symptoms)
		return 0;
	if (json_is_array(symptoms)) {
		json_array_foreach(symptoms, i, v)
			if (!json_is_string(v) || (!allow_empty && !json_string_length(v)))
				break;
		if (i == json_array_size(symptoms))
			return 0;
	}
	snprintf(why, whylen, _("'%s' must be an array of strings"), "symptoms");
	return -1;
}
