/* mr_transition: parsing memrehash.transitions. See mr_transition.h.
 *
 * Grammar of one entry (fields separated by ';', in any order):
 *   new=host:port,host:port;old=host:port,...[;name=N][;old_distribution=D][;complete_below=F][;window=S]
 * D is modula, consistent (libketama compatible), consistent_plain or intval.
 * Entries are separated by '|' or newlines; '#' starts a comment line in a
 * file. The parse runs once, at MINIT, before any request. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_smart_str.h"
#include "mr_transition.h"
#include "mr_place.h"

static mr_transition_t *transitions;
static uint32_t n_transitions;

static void tr_free(mr_transition_t *t)
{
	for (uint32_t i = 0; i < t->n_old; i++) pefree(t->olds[i].host, 1);
	for (uint32_t i = 0; i < t->n_new; i++) pefree(t->news[i].host, 1);
	if (t->olds) pefree(t->olds, 1);
	if (t->news) pefree(t->news, 1);
	if (t->name) pefree(t->name, 1);
	if (t->text) pefree(t->text, 1);
	memset(t, 0, sizeof(*t));
}

/* Returns s with leading and trailing blanks cut (in place). */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r') s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
	return s;
}

/* Returns NULL after parsing "host:port,host:port" into *out, else why not. */
static const char *parse_list(char *v, mr_tr_server_t **out, uint32_t *n)
{
	uint32_t cap = 1;
	for (const char *c = v; *c; c++) cap += *c == ',';
	*out = pecalloc(cap, sizeof(**out), 1);
	*n = 0;
	for (char *save = NULL, *s = strtok_r(v, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		s = trim(s);
		char *colon = strrchr(s, ':');
		if (!colon || colon == s) {
			return "a server must be host:port";
		}
		*colon = '\0';
		char *end;
		long port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535) {
			return "a port must be a number from 1 to 65535";
		}
		if (strlen(s) > 255) {
			return "a host name is longer than 255 bytes";
		}
		(*out)[*n].host = pestrdup(s, 1);
		(*out)[*n].port = port;
		(*n)++;
	}
	return *n ? NULL : "a server list is empty";
}

/* Returns NULL after setting t->old_dist from a distribution name. */
static const char *parse_dist(const char *v, mr_transition_t *t)
{
	static const struct { const char *name; zend_long d; } names[] = {
		{"modula", MR_DIST_MODULA}, {"consistent", MR_DIST_KETAMA}, {"ketama", MR_DIST_KETAMA},
		{"consistent_plain", MR_DIST_CONSISTENT_PLAIN}, {"intval", MR_DIST_INTVAL},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(v, names[i].name) == 0) {
			t->old_dist = names[i].d;
			t->old_dist_set = true;
			return NULL;
		}
	}
	return "old_distribution must be modula, consistent, consistent_plain or intval";
}

/* Returns NULL after parsing one field "key=value" into t, else why not. */
static const char *parse_field(char *field, mr_transition_t *t)
{
	char *eq = strchr(field, '=');
	if (!eq) {
		return "a field must be key=value";
	}
	*eq = '\0';
	char *k = trim(field), *v = trim(eq + 1);
	if (strcmp(k, "new") == 0) {
		return t->news ? "new is given twice" : parse_list(v, &t->news, &t->n_new);
	}
	if (strcmp(k, "old") == 0) {
		return t->olds ? "old is given twice" : parse_list(v, &t->olds, &t->n_old);
	}
	if (strcmp(k, "name") == 0) {
		size_t n = strlen(v);
		if (n == 0 || n > 127) {
			return "name must be 1 to 127 bytes";
		}
		for (size_t i = 0; i < n; i++) {
			if ((unsigned char) v[i] <= 0x20 || (unsigned char) v[i] >= 0x7f) {
				return "name must be printable without spaces";
			}
		}
		if (t->name) pefree(t->name, 1);
		t->name = pestrdup(v, 1);
		return NULL;
	}
	if (strcmp(k, "old_distribution") == 0) {
		return parse_dist(v, t);
	}
	if (strcmp(k, "complete_below") == 0) {
		char *end;
		double d = zend_strtod(v, (const char **) &end);
		if (*v == '\0' || *end || d < 0.0 || d > 1.0) {
			return "complete_below must be a number from 0 to 1";
		}
		t->complete_below = d;
		t->complete_below_set = true;
		return NULL;
	}
	if (strcmp(k, "window") == 0) {
		char *end;
		long w = strtol(v, &end, 10);
		if (*v == '\0' || *end || w < 1 || w > 86400) {
			return "window must be 1 to 86400 seconds";
		}
		t->window = w;
		return NULL;
	}
	return "unknown field (known: new, old, name, old_distribution, complete_below, window)";
}

/* Returns true when the two lists are the same servers in the same order. */
static bool same_list(const mr_tr_server_t *a, uint32_t na, const mr_tr_server_t *b, uint32_t nb)
{
	if (na != nb) return false;
	for (uint32_t i = 0; i < na; i++) {
		if (a[i].port != b[i].port || strcmp(a[i].host, b[i].host) != 0) return false;
	}
	return true;
}

/* Returns NULL after parsing one entry into t, else why not. */
static const char *parse_entry(const char *entry, mr_transition_t *t)
{
	char *copy = estrdup(entry);
	const char *err = NULL;
	for (char *save = NULL, *f = strtok_r(copy, ";", &save); f && !err; f = strtok_r(NULL, ";", &save)) {
		f = trim(f);
		if (*f) {
			err = parse_field(f, t);
		}
	}
	efree(copy);
	if (!err && (!t->news || !t->olds)) {
		err = "both new= and old= are required";
	}
	if (!err && same_list(t->news, t->n_new, t->olds, t->n_old)) {
		err = "new and old are the same list";
	}
	for (uint32_t i = 0; !err && i < n_transitions; i++) {
		if (same_list(t->news, t->n_new, transitions[i].news, transitions[i].n_new)) {
			err = "another transition has the same new list";
		}
	}
	return err;
}

/* Parses one entry and keeps it, or warns and drops it. */
static void add_entry(char *entry, const char *where, uint32_t line)
{
	entry = trim(entry);
	if (*entry == '\0' || *entry == '#') {
		return;
	}
	mr_transition_t t = {0};
	const char *err = parse_entry(entry, &t);
	if (err) {
		char at[300] = "";
		if (where) {
			snprintf(at, sizeof(at), "%s line %u: ", where, line);
		}
		php_error_docref(NULL, E_WARNING, "memrehash.transitions: %sentry \"%s\" is not applied: %s", at, entry, err);
		tr_free(&t);
		return;
	}
	if (!t.name) {
		/* stable across reorderings of the setting: named by the new list */
		uint64_t h = 0xcbf29ce484222325ULL;
		for (uint32_t i = 0; i < t.n_new; i++) {
			for (const char *c = t.news[i].host; *c; c++) h = (h ^ (unsigned char) *c) * 0x100000001b3ULL;
			h = (h ^ (uint64_t) t.news[i].port) * 0x100000001b3ULL;
		}
		char name[40];
		snprintf(name, sizeof(name), "transition-%016" PRIx64, h);
		t.name = pestrdup(name, 1);
	}
	t.text = pestrdup(entry, 1);
	transitions = perealloc(transitions, (n_transitions + 1) * sizeof(*transitions), 1);
	transitions[n_transitions++] = t;
}

/* Parses entries separated by '|' or newlines. */
static void add_entries(char *text, const char *where)
{
	uint32_t line = 1;
	char *start = text;
	for (char *c = text;; c++) {
		if (*c == '|' || *c == '\n' || *c == '\0') {
			char end = *c;
			*c = '\0';
			add_entry(start, where, line);
			if (end == '\0') break;
			line += end == '\n';
			start = c + 1;
		}
	}
}

/* Returns the file's contents (emalloc'd), or NULL after warning. */
static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		php_error_docref(NULL, E_WARNING, "memrehash.transitions: cannot read %s: %s; no transition is applied", path, strerror(errno));
		return NULL;
	}
	smart_str s = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 && (!s.s || ZSTR_LEN(s.s) < 1024 * 1024)) {
		smart_str_appendl(&s, buf, n);
	}
	fclose(fp);
	smart_str_0(&s);
	char *out = estrdup(s.s ? ZSTR_VAL(s.s) : "");
	smart_str_free(&s);
	return out;
}

uint32_t mr_transitions_load(const char *setting)
{
	if (!setting || !*setting) {
		return 0;
	}
	while (*setting == ' ' || *setting == '\t') setting++;
	if (*setting == '@') {
		char *text = read_file(setting + 1);
		if (text) {
			add_entries(text, setting + 1);
			efree(text);
		}
	} else {
		char *text = estrdup(setting);
		add_entries(text, NULL);
		efree(text);
	}
	return n_transitions;
}

void mr_transitions_free(void)
{
	for (uint32_t i = 0; i < n_transitions; i++) {
		tr_free(&transitions[i]);
	}
	if (transitions) pefree(transitions, 1);
	transitions = NULL;
	n_transitions = 0;
}

uint32_t mr_transitions_count(void)
{
	return n_transitions;
}

const mr_transition_t *mr_transition_at(uint32_t i)
{
	return &transitions[i];
}

int mr_transition_match(HashTable *list)
{
	uint32_t n = zend_hash_num_elements(list);
	for (uint32_t t = 0; t < n_transitions; t++) {
		if (transitions[t].n_new != n) continue;
		uint32_t i = 0;
		zval *e;
		bool same = true;
		ZEND_HASH_FOREACH_VAL(list, e) {
			zval *h = Z_TYPE_P(e) == IS_ARRAY ? zend_hash_str_find(Z_ARRVAL_P(e), ZEND_STRL("host")) : NULL;
			zval *p = Z_TYPE_P(e) == IS_ARRAY ? zend_hash_str_find(Z_ARRVAL_P(e), ZEND_STRL("port")) : NULL;
			const mr_tr_server_t *s = &transitions[t].news[i++];
			if (!h || !p || Z_TYPE_P(h) != IS_STRING || zval_get_long(p) != s->port || strcmp(Z_STRVAL_P(h), s->host) != 0) {
				same = false;
				break;
			}
		} ZEND_HASH_FOREACH_END();
		if (same) return (int) t;
	}
	return -1;
}

void mr_transition_list(const mr_tr_server_t *s, uint32_t n, zval *rv)
{
	array_init_size(rv, n);
	for (uint32_t i = 0; i < n; i++) {
		zval e;
		array_init_size(&e, 2);
		add_next_index_string(&e, s[i].host);
		add_next_index_long(&e, s[i].port);
		add_next_index_zval(rv, &e);
	}
}
