#ifndef CG_PERSON_H
#define CG_PERSON_H

#include <stddef.h>
#include <jansson.h>

#include "core/clock.h"
#include "core/form.h"

/*
 * The fields that identify a person in any record (gate events, passes,
 * cases): name, id_no, phone, household.  A person is identified by id_no,
 * else phone, else name and household.
 */

#define CG_PERSON_KEY_LEN 160

/*
 * Check the types of name, id_no, phone and household when present,
 * validate the last three (households in the compound's form hf) and
 * replace them with their normalised forms (rules/validate.h): the one
 * normaliser of every command's input.  Returns 0, or -1 with the field
 * and what is wrong in why.
 */
int cg_person_normalise(json_t *rec, cg_time_t now, enum cg_household_form hf,
			char *why, size_t whylen);

/* The kinds of identifying field: "household" and "host" are households. */
enum cg_person_field { CG_PERSON_ID_NO, CG_PERSON_PHONE, CG_PERSON_HOUSEHOLD };

/*
 * Check the value s of an identifying field of kind f and write its
 * normal form to out.  0, or -1 with what is wrong in *why.
 */
int cg_person_field_valid(enum cg_person_field f, const char *s, cg_time_t now,
			  enum cg_household_form hf, char *out, const char **why);

/*
 * The identity key of rec: "id:ID", "phone:PHONE" or "name:NAME@HOUSEHOLD",
 * from already normalised fields.  Returns 0, or -1 (key "") when the
 * record does not identify anyone.
 */
int cg_person_key(const json_t *rec, char key[CG_PERSON_KEY_LEN]);

/*
 * The text of a key: prefix and a, then "@" and b when b is not NULL
 * ("name:", NAME, HOUSEHOLD).  Its length, or -1 (key "") when it does not
 * fit.  (Every gate event makes a few: snprintf was a measurable part.)
 */
int cg_person_key_join(char key[CG_PERSON_KEY_LEN], const char *prefix, const char *a,
		       const char *b);

/*
 * Every identity key rec carries, strongest first (up to three: id, phone,
 * name@household), so that a record with only a phone still finds a pass
 * or case recorded with both ID number and phone.  Returns how many.
 */
int cg_person_keys(const json_t *rec, char keys[3][CG_PERSON_KEY_LEN]);
/* The same from the fields (each NULL when absent), for a reader that has
 * no JSON object (cg-report's fast path). */
int cg_person_keys_of(const char *id_no, const char *phone, const char *name,
		      const char *household, char keys[3][CG_PERSON_KEY_LEN]);

/*
 * Whether a and b can be the same person: they are not when both carry
 * an ID number (else a phone, else a name and household) and those differ.
 * Names compare in their cg_person_name_normalise form.
 */
int cg_person_same(const json_t *a, const json_t *b);

#define CG_PERSON_NAME_LEN 128

/*
 * A name as the gate compares names, written to out (NUL-terminated,
 * truncated to fit): full-width ASCII forms (U+FF01-U+FF5E) become ASCII,
 * ASCII letters lower case, the dots between the parts of a name (U+00B7,
 * U+2022, U+2027, U+30FB, U+FF65, and "." once full-width is folded) one
 * U+00B7, and every space is dropped: ASCII white space, U+00A0, U+1680,
 * U+2000-U+200B, U+2028, U+2029, U+202F, U+205F, U+3000 and U+FEFF.  So
 * "胡 建华", "胡建华　" and "胡建华" are one name, and so are "Ｌｉ Ｍｉｎｇ" and
 * "li ming".  s must be valid UTF-8 (a record's string is).  Returns out.
 */
char *cg_person_name_normalise(const char *s, char out[CG_PERSON_NAME_LEN]);

/*
 * How well seen (a record at the gate) matches known (a case or a pass on
 * file), both with normalised fields.  The identifiers, strongest first,
 * are id_no, phone, name and household, and name alone.  The strongest
 * identifier both carry decides: if it differs they are different people
 * (CG_MATCH_NONE); if it is equal they match, CG_MATCH_STRONG when it is
 * the strongest identifier known carries, CG_MATCH_WEAK when known
 * carries a stronger one that seen lacks (seen gave the name or phone of
 * someone on file with an ID number).  Nothing in common: CG_MATCH_NONE.
 */
enum cg_person_match {
	CG_MATCH_NONE,
	CG_MATCH_WEAK,
	CG_MATCH_STRONG
};

enum cg_person_match cg_person_match(const json_t *known, const json_t *seen);

/*
 * When rec has key, it must be a string: returns its value, NULL when
 * absent; *bad is set when present with another type.
 */
const char *cg_get_string(const json_t *rec, const char *key, int *bad);

/*
 * A string field of a record as the commands check them: 0 with *out
 * (NULL when absent and not required), or -1 with the reason in why when
 * it is not a string, missing though required, or empty.
 */
int cg_field_string(const json_t *rec, const char *field, int required,
		    const char **out, char *why, size_t whylen);

/*
 * A "symptoms" value (borrowed, may be NULL: absent): 0 when absent or an
 * array of strings, -1 with the reason in why otherwise.  A gate device
 * may send an empty string for "none"; a staff member recording a check
 * may not, so allow_empty says which.
 */
int cg_field_symptoms(const json_t *symptoms, int allow_empty, char *why,
		      size_t whylen);

#endif
