/* A reader for the strict subset of XML that CEB messages use, over UTF-8 bytes.
 *
 * read(data, max_depth, check) returns the root Node of a tree of elements (tag in Clark notation,
 * text, tail, children, attributes) or None when the input is outside the subset or doubtful in
 * any way: the caller then parses it with lxml, which accepts or refuses it exactly as before.
 * The subset: an optional XML declaration (version 1.0, encoding UTF-8 or none), one element,
 * ASCII names with at most one prefix, attributes, namespace declarations, character data with
 * the five predefined entities and character references, whitespace around the root. Comments,
 * processing instructions, CDATA, DOCTYPE, other encodings, non-ASCII names, more than
 * MAX_ATTRS attributes on an element or elements nested deeper than max_depth give None.
 * Every read is bounded by the end of the buffer; nesting uses an explicit stack of max_depth
 * frames, never the C stack.
 *
 * Node.c14n(check) returns the inclusive Canonical XML 1.0 (without comments) of an element, as
 * lxml's etree.tostring(element, method="c14n") gives it: the element's start tags are read
 * again from the source bytes, its texts come from the tree. `check` (None or a callable) is
 * called with every namespace URI declared in the canonical form, and may raise: libxml2 refuses
 * to canonicalise relative or malformed namespace URIs, which the caller must then tell apart.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <string.h>
#include <limits.h>

#define MAX_ATTRS 64
#define MAX_DEPTH_CAP 256
#define TAG_CACHE_SIZE 4096 /* a power of two */
#define TAG_CACHE_FILL 3072
#define TAG_KEY_MAX 512
#define FNV_BASIS 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

enum { OK = 0, OUTSIDE = 1, ERROR = -1 };

static uint64_t uri_state(const char *uri8, Py_ssize_t ulen);

/* ---------------------------------------------------------------- documents and bindings */

typedef struct {
    const char *prefix; /* into the source bytes */
    Py_ssize_t plen;
    PyObject *uri; /* str; NULL for xmlns="" */
    const char *uri8;
    Py_ssize_t ulen;
    uint64_t state; /* uri_state(uri8) */
    int prev;
} Binding;

typedef struct {
    PyObject_HEAD
    PyObject *data; /* the source bytes */
    Binding *bindings;
    int nbind, capbind;
} Doc;

static void doc_dealloc(Doc *d) {
    for (int i = 0; i < d->nbind; i++) Py_XDECREF(d->bindings[i].uri);
    PyMem_Free(d->bindings);
    Py_XDECREF(d->data);
    PyObject_Free(d);
}

static PyTypeObject DocType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "opencbec.messages.ceb._fastxml.Doc",
    .tp_basicsize = sizeof(Doc),
    .tp_dealloc = (destructor)doc_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static int push_binding(Doc *d, const char *prefix, Py_ssize_t plen, PyObject *uri, int prev) {
    if (d->nbind == d->capbind) {
        int cap = d->capbind ? d->capbind * 2 : 8;
        Binding *b = PyMem_Realloc(d->bindings, (size_t)cap * sizeof(Binding));
        if (b == NULL) {
            Py_XDECREF(uri);
            PyErr_NoMemory();
            return -1;
        }
        d->bindings = b;
        d->capbind = cap;
    }
    Binding *b = &d->bindings[d->nbind];
    b->prefix = prefix;
    b->plen = plen;
    b->uri = uri; /* stolen */
    b->uri8 = NULL;
    b->ulen = 0;
    b->state = FNV_BASIS;
    if (uri != NULL) {
        b->uri8 = PyUnicode_AsUTF8AndSize(uri, &b->ulen);
        if (b->uri8 == NULL) {
            b->uri = NULL;
            Py_DECREF(uri);
            return -1;
        }
        b->state = uri_state(b->uri8, b->ulen);
    }
    b->prev = prev;
    return d->nbind++;
}

static Binding *lookup(Doc *d, int scope, const char *prefix, Py_ssize_t plen) {
    for (int i = scope; i >= 0; i = d->bindings[i].prev) {
        Binding *b = &d->bindings[i];
        if (b->plen == plen && memcmp(b->prefix, prefix, (size_t)plen) == 0) return b;
    }
    return NULL;
}

/* ---------------------------------------------------------------- nodes */

typedef struct {
    PyObject_HEAD
    PyObject *tag;
    PyObject *text;     /* NULL: None */
    PyObject *tail;     /* NULL: None */
    PyObject *children; /* tuple */
    PyObject *attrib;   /* dict or NULL */
    Doc *doc;
    Py_ssize_t start; /* offset of the start tag's "<" */
    int scope;        /* the namespace bindings in scope inside the element */
    int depth;        /* 0 for the root */
} Node;

static PyTypeObject NodeType;

static void node_dealloc(Node *n) {
    Py_XDECREF(n->tag);
    Py_XDECREF(n->text);
    Py_XDECREF(n->tail);
    Py_XDECREF(n->children);
    Py_XDECREF(n->attrib);
    Py_XDECREF(n->doc);
    PyObject_Free(n);
}

static Py_ssize_t node_len(Node *n) { return PyTuple_GET_SIZE(n->children); }

static PyObject *node_item(Node *n, Py_ssize_t i) {
    if (i < 0 || i >= PyTuple_GET_SIZE(n->children)) {
        PyErr_SetString(PyExc_IndexError, "child index out of range");
        return NULL;
    }
    PyObject *child = PyTuple_GET_ITEM(n->children, i);
    Py_INCREF(child);
    return child;
}

static PyObject *node_iter(Node *n) { return PyObject_GetIter(n->children); }

static PyObject *node_get(Node *n, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "get(key, default=None)");
        return NULL;
    }
    PyObject *fallback = nargs == 2 ? args[1] : Py_None;
    if (n->attrib != NULL) {
        PyObject *value = PyDict_GetItemWithError(n->attrib, args[0]);
        if (value != NULL) {
            Py_INCREF(value);
            return value;
        }
        if (PyErr_Occurred()) return NULL;
    }
    Py_INCREF(fallback);
    return fallback;
}

static PyObject *node_keys(Node *n, PyObject *unused) {
    return n->attrib != NULL ? PyDict_Keys(n->attrib) : PyList_New(0);
}

static PyObject *node_repr(Node *n) { return PyUnicode_FromFormat("<Node %R>", n->tag); }

/* ---------------------------------------------------------------- the tag cache */

typedef struct {
    uint64_t hash;
    Py_ssize_t len;
    char *key;
    PyObject *str;
} TagEntry;

static TagEntry tag_cache[TAG_CACHE_SIZE];
static int tag_cache_fill;


static uint64_t fnv(uint64_t h, const char *p, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * FNV_PRIME;
    return h;
}

/* The hash state after "{uri}", from which the hash of each "{uri}local" goes on. */
static uint64_t uri_state(const char *uri8, Py_ssize_t ulen) {
    return fnv(fnv(fnv(FNV_BASIS, "{", 1), uri8, ulen), "}", 1);
}

/* The Clark name {uri}local (or the local name alone when `uri8` is NULL), as a new reference;
 * one shared str per name while the cache has room. `state` is uri_state(uri8) or FNV_BASIS. */
static PyObject *clark(const char *uri8, Py_ssize_t ulen, uint64_t state, const char *local,
                       Py_ssize_t llen) {
    uint64_t h = fnv(state, local, llen);
    Py_ssize_t len = uri8 ? ulen + llen + 2 : llen;
    size_t slot = (size_t)h & (TAG_CACHE_SIZE - 1);
    for (;;) {
        TagEntry *e = &tag_cache[slot];
        if (e->str == NULL) break;
        if (e->hash == h && e->len == len &&
            (uri8 == NULL ? memcmp(e->key, local, (size_t)llen) == 0
                          : memcmp(e->key + 1, uri8, (size_t)ulen) == 0 &&
                                memcmp(e->key + ulen + 2, local, (size_t)llen) == 0)) {
            Py_INCREF(e->str);
            return e->str;
        }
        slot = (slot + 1) & (TAG_CACHE_SIZE - 1);
    }
    char *key = PyMem_Malloc((size_t)len + 1);
    if (key == NULL) return PyErr_NoMemory();
    if (uri8 == NULL) {
        memcpy(key, local, (size_t)llen);
    } else {
        key[0] = '{';
        memcpy(key + 1, uri8, (size_t)ulen);
        key[ulen + 1] = '}';
        memcpy(key + ulen + 2, local, (size_t)llen);
    }
    PyObject *s = PyUnicode_DecodeUTF8(key, len, NULL);
    if (s == NULL || tag_cache_fill >= TAG_CACHE_FILL || len > TAG_KEY_MAX) {
        PyMem_Free(key);
        return s;
    }
    PyUnicode_InternInPlace(&s);
    TagEntry *e = &tag_cache[slot];
    e->hash = h;
    e->len = len;
    e->key = key;
    e->str = s;
    Py_INCREF(s);
    tag_cache_fill++;
    return s;
}

/* ---------------------------------------------------------------- scanning */

typedef struct {
    const char *buf, *p, *end;
    char *scratch;
    Py_ssize_t scap;
} Scan;

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
/* Bytes by class: 1 may start a name, 2 may only continue one (ASCII names only). */
static unsigned char name_class[256];
/* Bytes that end a fast scan of character data: controls, "&", "<", ">", 0xEF (U+FFFE/FFFF). */
static unsigned char text_stop[256];

static void init_tables(void) {
    for (int c = 0; c < 256; c++) {
        int start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        int more = (c >= '0' && c <= '9') || c == '-' || c == '.';
        name_class[c] = start ? 1 : more ? 2 : 0;
        text_stop[c] = c < 0x20 || c == '&' || c == '<' || c == '>' || c == 0xEF;
    }
}

static int is_name_start(unsigned char c) { return name_class[c] == 1; }
static int is_name_char(unsigned char c) { return name_class[c] != 0; }

/* An ASCII name with at most one colon, each part a name; its length, 0 if none. */
static Py_ssize_t scan_name(const char *p, const char *end, Py_ssize_t *colon) {
    const char *q = p;
    *colon = -1;
    if (q >= end || !is_name_start((unsigned char)*q)) return 0;
    q++;
    while (q < end) {
        unsigned char c = (unsigned char)*q;
        if (is_name_char(c)) {
            q++;
        } else if (c == ':' && *colon < 0 && q + 1 < end && is_name_start((unsigned char)q[1])) {
            *colon = q - p;
            q += 2;
        } else {
            break;
        }
    }
    /* A name running into a non-ASCII byte or a second colon is outside the subset. */
    if (q < end && ((unsigned char)*q >= 0x80 || *q == ':')) return 0;
    return q - p;
}

static int put_utf8(char **w, unsigned long cp) {
    char *o = *w;
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    *w = o;
    return 0;
}

static int xml_char(unsigned long cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Decode the character data s..e (text, or an attribute value when `attr`) into *out:
 * NULL when empty; OUTSIDE when it holds anything doubtful. */
static int decode_run(Scan *S, const char *s, const char *e, int attr, PyObject **out) {
    int rewrite = 0;
    unsigned char high = 0;
    *out = NULL;
    if (s == e) return OK;
    for (const unsigned char *q = (const unsigned char *)s; q < (const unsigned char *)e; q++) {
        unsigned char c = *q;
        high |= c;
        if (!text_stop[c]) continue;
        if (c == '\t' || c == '\n') {
            rewrite |= attr;
        } else if (c == '\r' || c == '&') {
            rewrite = 1;
        } else if (c == '>') {
            if (!attr && q - (const unsigned char *)s >= 2 && q[-1] == ']' && q[-2] == ']')
                return OUTSIDE;
        } else if (c == 0xEF) {
            /* U+FFFE and U+FFFF are not XML characters. */
            if ((const unsigned char *)e - q >= 3 && q[1] == 0xBF && (q[2] == 0xBE || q[2] == 0xBF))
                return OUTSIDE;
        } else {
            return OUTSIDE; /* other controls; "<" in an attribute value */
        }
    }
    const char *from = s;
    Py_ssize_t len = e - s;
    if (rewrite) {
        if (S->scap < len) {
            char *grown = PyMem_Realloc(S->scratch, (size_t)len);
            if (grown == NULL) {
                PyErr_NoMemory();
                return ERROR;
            }
            S->scratch = grown;
            S->scap = len;
        }
        char *w = S->scratch;
        for (const char *q = s; q < e; q++) {
            char c = *q;
            if (c == '\r') {
                if (q + 1 < e && q[1] == '\n') q++;
                *w++ = attr ? ' ' : '\n';
            } else if (attr && (c == '\t' || c == '\n')) {
                *w++ = ' ';
            } else if (c == '&') {
                const char *r = q + 1;
                if (r < e && *r == '#') {
                    unsigned long cp = 0;
                    int digits = 0;
                    r++;
                    if (r < e && *r == 'x') {
                        r++;
                        for (; r < e && digits < 8; r++, digits++) {
                            char d = *r;
                            if (d >= '0' && d <= '9') cp = cp * 16 + (unsigned long)(d - '0');
                            else if (d >= 'a' && d <= 'f') cp = cp * 16 + (unsigned long)(d - 'a' + 10);
                            else if (d >= 'A' && d <= 'F') cp = cp * 16 + (unsigned long)(d - 'A' + 10);
                            else break;
                        }
                    } else {
                        for (; r < e && digits < 8 && *r >= '0' && *r <= '9'; r++, digits++)
                            cp = cp * 10 + (unsigned long)(*r - '0');
                    }
                    if (digits == 0 || r >= e || *r != ';' || !xml_char(cp)) return OUTSIDE;
                    put_utf8(&w, cp);
                    q = r;
                } else {
                    static const struct { const char *name; int len; char value; } named[] = {
                        {"lt;", 3, '<'}, {"gt;", 3, '>'}, {"amp;", 4, '&'},
                        {"quot;", 5, '"'}, {"apos;", 5, '\''}};
                    int found = 0;
                    for (int i = 0; i < 5; i++) {
                        if (e - r >= named[i].len && memcmp(r, named[i].name, (size_t)named[i].len) == 0) {
                            *w++ = named[i].value;
                            q = r + named[i].len - 1;
                            found = 1;
                            break;
                        }
                    }
                    if (!found) return OUTSIDE;
                }
            } else {
                *w++ = c;
            }
        }
        from = S->scratch;
        len = w - S->scratch;
    }
    if (high < 0x80) {
        /* ASCII (character references may still have written more): copied as is. */
        if (rewrite) {
            for (Py_ssize_t i = 0; i < len; i++) high |= (unsigned char)from[i];
        }
        if (high < 0x80) {
            *out = PyUnicode_New(len, 127);
            if (*out == NULL) return ERROR;
            memcpy(PyUnicode_DATA(*out), from, (size_t)len);
            return OK;
        }
    }
    *out = PyUnicode_DecodeUTF8(from, len, NULL);
    if (*out == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            return OUTSIDE;
        }
        return ERROR;
    }
    return OK;
}

/* ---------------------------------------------------------------- start tags */

typedef struct {
    const char *name;
    Py_ssize_t nlen, colon;
    PyObject *value; /* str, owned */
} Attr;

typedef struct {
    const char *name;
    Py_ssize_t nlen, colon;
    Attr attrs[MAX_ATTRS];
    int nattrs;
    int empty;
} StartTag;

static void clear_tag(StartTag *t) {
    for (int i = 0; i < t->nattrs; i++) Py_CLEAR(t->attrs[i].value);
    t->nattrs = 0;
}

static void skip_space(Scan *S) {
    while (S->p < S->end && is_space((unsigned char)*S->p)) S->p++;
}

/* Read a start tag at S->p ("<"), leaving S->p after its ">". */
static int read_start_tag(Scan *S, StartTag *t) {
    const char *end = S->end;
    t->nattrs = 0;
    t->empty = 0;
    S->p++;
    t->name = S->p;
    t->nlen = scan_name(S->p, end, &t->colon);
    if (t->nlen == 0) return OUTSIDE;
    S->p += t->nlen;
    for (;;) {
        const char *before = S->p;
        skip_space(S);
        if (S->p >= end) return OUTSIDE;
        if (*S->p == '>') {
            S->p++;
            return OK;
        }
        if (*S->p == '/') {
            if (S->p + 1 >= end || S->p[1] != '>') return OUTSIDE;
            S->p += 2;
            t->empty = 1;
            return OK;
        }
        if (S->p == before || t->nattrs == MAX_ATTRS) return OUTSIDE;
        Attr *a = &t->attrs[t->nattrs];
        a->name = S->p;
        a->nlen = scan_name(S->p, end, &a->colon);
        if (a->nlen == 0) return OUTSIDE;
        S->p += a->nlen;
        skip_space(S);
        if (S->p >= end || *S->p != '=') return OUTSIDE;
        S->p++;
        skip_space(S);
        if (S->p >= end || (*S->p != '"' && *S->p != '\'')) return OUTSIDE;
        char quote = *S->p++;
        const char *vs = S->p;
        const char *ve = memchr(vs, quote, (size_t)(end - vs));
        if (ve == NULL) return OUTSIDE;
        S->p = ve + 1;
        PyObject *value;
        int rc = decode_run(S, vs, ve, 1, &value);
        if (rc != OK) return rc;
        if (value == NULL) {
            value = PyUnicode_New(0, 0);
            if (value == NULL) return ERROR;
        }
        a->value = value;
        t->nattrs++;
    }
}

static int is_xmlns(const Attr *a) {
    return (a->colon < 0 && a->nlen == 5 && memcmp(a->name, "xmlns", 5) == 0) ||
           (a->colon == 5 && memcmp(a->name, "xmlns", 5) == 0);
}

/* Namespace URIs `check` accepted lately (libxml2 refuses documents declaring invalid ones). */
#define KNOWN_URIS 32
static PyObject *known_check;
static PyObject *known_uris[KNOWN_URIS];
static int nknown;

static int uri_accepted(PyObject *check, PyObject *uri) {
    if (check != known_check) {
        for (int i = 0; i < nknown; i++) Py_CLEAR(known_uris[i]);
        nknown = 0;
        Py_XDECREF(known_check);
        Py_INCREF(check);
        known_check = check;
    }
    for (int i = 0; i < nknown; i++) {
        if (known_uris[i] == uri) return 1;
        int same = PyUnicode_Compare(known_uris[i], uri);
        if (same == 0) return 1;
        if (same == -1 && PyErr_Occurred()) return -1;
    }
    PyObject *r = PyObject_CallOneArg(check, uri);
    if (r == NULL) return -1;
    int ok = PyObject_IsTrue(r);
    Py_DECREF(r);
    if (ok == 1 && nknown < KNOWN_URIS) {
        Py_INCREF(uri);
        known_uris[nknown++] = uri;
    }
    return ok;
}

/* The namespace declarations of a start tag, bound on top of `scope`; the new scope. */
static int bind(Doc *d, StartTag *t, int scope, int *out, PyObject *check) {
    for (int i = 0; i < t->nattrs; i++) {
        Attr *a = &t->attrs[i];
        if (!is_xmlns(a)) continue;
        const char *prefix = a->colon < 0 ? "" : a->name + 6;
        Py_ssize_t plen = a->colon < 0 ? 0 : a->nlen - 6;
        Py_ssize_t ulen = PyUnicode_GET_LENGTH(a->value);
        if (plen == 0 && ulen == 0) {
            scope = push_binding(d, prefix, 0, NULL, scope);
        } else {
            /* Undeclaring a prefix, the reserved prefixes and namespaces: lxml decides. */
            if (ulen == 0 || (plen == 3 && memcmp(prefix, "xml", 3) == 0) ||
                (plen == 5 && memcmp(prefix, "xmlns", 5) == 0) ||
                PyUnicode_CompareWithASCIIString(a->value, "http://www.w3.org/XML/1998/namespace") == 0 ||
                PyUnicode_CompareWithASCIIString(a->value, "http://www.w3.org/2000/xmlns/") == 0)
                return OUTSIDE;
            int accepted = uri_accepted(check, a->value);
            if (accepted < 0) return ERROR;
            if (!accepted) return OUTSIDE;
            Py_INCREF(a->value);
            scope = push_binding(d, prefix, plen, a->value, scope);
        }
        if (scope < 0) return ERROR;
    }
    *out = scope;
    return OK;
}

/* The namespace of a prefixed name (or of an element's default), NULL for none. */
static int resolve(Doc *d, int scope, const char *name, Py_ssize_t colon, int element,
                   const Binding **out) {
    *out = NULL;
    if (colon < 0) {
        if (!element) return OK;
        const Binding *b = lookup(d, scope, "", 0);
        if (b != NULL && b->uri != NULL) *out = b;
        return OK;
    }
    const Binding *b = lookup(d, scope, name, colon);
    if (b == NULL || b->uri == NULL) return OUTSIDE; /* unbound, or xml: / xmlns: */
    *out = b;
    return OK;
}

/* ---------------------------------------------------------------- the reader */

typedef struct {
    const char *name;
    Py_ssize_t nlen;
    PyObject *tag, *text, *attrib;
    Py_ssize_t start;
    int scope, parent_scope;
    Py_ssize_t kbase;
} Frame;

typedef struct {
    Scan S;
    Doc *doc;
    Frame *frames;
    int depth, max_depth;
    PyObject **kids;
    Py_ssize_t nkids, capkids;
    StartTag tag;
    PyObject *check; /* check(uri) -> bool: whether lxml accepts a namespace URI */
} Reader;

static int push_kid(Reader *R, PyObject *node) {
    if (R->nkids == R->capkids) {
        Py_ssize_t cap = R->capkids ? R->capkids * 2 : 64;
        PyObject **k = PyMem_Realloc(R->kids, (size_t)cap * sizeof(PyObject *));
        if (k == NULL) {
            Py_DECREF(node);
            PyErr_NoMemory();
            return ERROR;
        }
        R->kids = k;
        R->capkids = cap;
    }
    R->kids[R->nkids++] = node;
    return OK;
}

static int open_element(Reader *R) {
    Doc *d = R->doc;
    StartTag *t = &R->tag;
    if (R->depth >= R->max_depth) return OUTSIDE;
    Py_ssize_t start = R->S.p - R->S.buf;
    int rc = read_start_tag(&R->S, t);
    if (rc != OK) return rc;
    int parent_scope = R->depth ? R->frames[R->depth - 1].scope : -1;
    int scope;
    rc = bind(d, t, parent_scope, &scope, R->check);
    if (rc != OK) return rc;
    if (t->colon == 5 && memcmp(t->name, "xmlns", 5) == 0) return OUTSIDE;
    const Binding *ns;
    rc = resolve(d, scope, t->name, t->colon, 1, &ns);
    if (rc != OK) return rc;
    const char *local = t->colon < 0 ? t->name : t->name + t->colon + 1;
    Py_ssize_t llen = t->colon < 0 ? t->nlen : t->nlen - t->colon - 1;
    PyObject *tag = clark(ns ? ns->uri8 : NULL, ns ? ns->ulen : 0, ns ? ns->state : FNV_BASIS,
                          local, llen);
    if (tag == NULL) return ERROR;
    PyObject *attrib = NULL;
    const Binding *seen[MAX_ATTRS];
    for (int i = 0; i < t->nattrs; i++) {
        Attr *a = &t->attrs[i];
        /* Two attributes of one name (as written, or once resolved) make lxml refuse. */
        for (int j = 0; j < i; j++) {
            Attr *o = &t->attrs[j];
            if (o->nlen == a->nlen && memcmp(o->name, a->name, (size_t)a->nlen) == 0) {
                Py_DECREF(tag);
                Py_XDECREF(attrib);
                return OUTSIDE;
            }
        }
        seen[i] = NULL;
        if (is_xmlns(a)) continue;
        const Binding *ans;
        rc = resolve(d, scope, a->name, a->colon, 0, &ans);
        if (rc != OK) {
            Py_DECREF(tag);
            Py_XDECREF(attrib);
            return rc;
        }
        seen[i] = ans;
        const char *alocal = a->colon < 0 ? a->name : a->name + a->colon + 1;
        Py_ssize_t allen = a->colon < 0 ? a->nlen : a->nlen - a->colon - 1;
        for (int j = 0; j < i; j++) {
            Attr *o = &t->attrs[j];
            if (seen[j] != NULL && ans != NULL && o->colon >= 0 && seen[j]->ulen == ans->ulen &&
                memcmp(seen[j]->uri8, ans->uri8, (size_t)ans->ulen) == 0 &&
                o->nlen - o->colon - 1 == allen &&
                memcmp(o->name + o->colon + 1, alocal, (size_t)allen) == 0) {
                Py_DECREF(tag);
                Py_XDECREF(attrib);
                return OUTSIDE;
            }
        }
        PyObject *key = clark(ans ? ans->uri8 : NULL, ans ? ans->ulen : 0,
                              ans ? ans->state : FNV_BASIS, alocal, allen);
        if (key == NULL) goto error;
        if (attrib == NULL && (attrib = PyDict_New()) == NULL) {
            Py_DECREF(key);
            goto error;
        }
        rc = PyDict_SetItem(attrib, key, a->value);
        Py_DECREF(key);
        if (rc < 0) goto error;
    }
    clear_tag(t);
    Frame *f = &R->frames[R->depth++];
    f->name = t->name;
    f->nlen = t->nlen;
    f->tag = tag;
    f->text = NULL;
    f->attrib = attrib;
    f->start = start;
    f->scope = scope;
    f->parent_scope = parent_scope;
    f->kbase = R->nkids;
    return OK;
error:
    Py_DECREF(tag);
    Py_XDECREF(attrib);
    return ERROR;
}

static int close_element(Reader *R) {
    Frame *f = &R->frames[R->depth - 1];
    Py_ssize_t count = R->nkids - f->kbase;
    PyObject *children = PyTuple_New(count);
    if (children == NULL) return ERROR;
    R->depth--;
    for (Py_ssize_t i = 0; i < count; i++) PyTuple_SET_ITEM(children, i, R->kids[f->kbase + i]);
    /* Nodes hold no references back up the tree: the tuple can be no part of a cycle, and
     * the collector need not walk the thousands a batch makes. */
    if (count) PyObject_GC_UnTrack(children);
    R->nkids = f->kbase;
    Node *n = PyObject_New(Node, &NodeType);
    if (n == NULL) {
        Py_DECREF(children);
        return ERROR;
    }
    n->tag = f->tag;
    n->text = f->text;
    n->attrib = f->attrib;
    f->tag = f->text = f->attrib = NULL;
    n->tail = NULL;
    n->children = children;
    Py_INCREF(R->doc);
    n->doc = R->doc;
    n->start = f->start;
    n->scope = f->scope;
    n->depth = R->depth;
    return push_kid(R, (PyObject *)n);
}

/* Character data up to the next "<": the open element's text or its last child's tail. */
static int read_text(Reader *R) {
    const char *s = R->S.p;
    const char *e = memchr(s, '<', (size_t)(R->S.end - s));
    if (e == NULL) return OUTSIDE;
    R->S.p = e;
    if (s == e) return OK;
    PyObject *text;
    int rc = decode_run(&R->S, s, e, 0, &text);
    if (rc != OK) return rc;
    Frame *f = &R->frames[R->depth - 1];
    if (R->nkids > f->kbase) {
        ((Node *)R->kids[R->nkids - 1])->tail = text;
    } else {
        f->text = text;
    }
    return OK;
}

static int read_declaration(Scan *S) {
    /* <?xml version="1.0" [encoding="UTF-8"] [standalone="yes|no"] ?> */
    static const char *names[] = {"version", "encoding", "standalone"};
    S->p += 5;
    for (int i = 0; i < 3; i++) {
        const char *before = S->p;
        skip_space(S);
        size_t len = strlen(names[i]);
        if (S->p == before || S->end - S->p < (Py_ssize_t)len ||
            memcmp(S->p, names[i], len) != 0) {
            if (i == 0) return OUTSIDE;
            S->p = before;
            continue;
        }
        S->p += len;
        skip_space(S);
        if (S->p >= S->end || *S->p != '=') return OUTSIDE;
        S->p++;
        skip_space(S);
        if (S->p >= S->end || (*S->p != '"' && *S->p != '\'')) return OUTSIDE;
        char quote = *S->p++;
        const char *v = S->p;
        const char *ve = memchr(v, quote, (size_t)(S->end - v));
        if (ve == NULL) return OUTSIDE;
        Py_ssize_t vlen = ve - v;
        S->p = ve + 1;
        if (i == 0 && !(vlen == 3 && memcmp(v, "1.0", 3) == 0)) return OUTSIDE;
        if (i == 1 && !(vlen == 5 && strncasecmp(v, "utf-8", 5) == 0)) return OUTSIDE;
        if (i == 2 && !((vlen == 3 && memcmp(v, "yes", 3) == 0) ||
                        (vlen == 2 && memcmp(v, "no", 2) == 0)))
            return OUTSIDE;
    }
    skip_space(S);
    if (S->end - S->p < 2 || S->p[0] != '?' || S->p[1] != '>') return OUTSIDE;
    S->p += 2;
    return OK;
}

static int read_document(Reader *R) {
    Scan *S = &R->S;
    int rc;
    if (S->end - S->p >= 6 && memcmp(S->p, "<?xml", 5) == 0 && is_space((unsigned char)S->p[5])) {
        rc = read_declaration(S);
        if (rc != OK) return rc;
    }
    skip_space(S);
    if (S->p >= S->end || *S->p != '<') return OUTSIDE;
    rc = open_element(R);
    if (rc != OK) return rc;
    if (R->tag.empty) {
        rc = close_element(R);
    } else {
        rc = read_text(R);
    }
    if (rc != OK) return rc;
    while (R->depth > 0) {
        /* read_text stops only at "<". */
        if (S->end - S->p < 2) return OUTSIDE;
        char next = S->p[1];
        if (next == '/') {
            Frame *f = &R->frames[R->depth - 1];
            S->p += 2;
            if (S->end - S->p < f->nlen || memcmp(S->p, f->name, (size_t)f->nlen) != 0)
                return OUTSIDE;
            S->p += f->nlen;
            skip_space(S);
            if (S->p >= S->end || *S->p != '>') return OUTSIDE;
            S->p++;
            rc = close_element(R);
        } else if (next == '!' || next == '?') {
            return OUTSIDE; /* comments, CDATA, DOCTYPE, processing instructions */
        } else {
            rc = open_element(R);
            if (rc == OK && R->tag.empty) rc = close_element(R);
        }
        if (rc != OK) return rc;
        if (R->depth > 0) {
            rc = read_text(R);
            if (rc != OK) return rc;
        }
    }
    skip_space(S);
    return S->p == S->end ? OK : OUTSIDE;
}

static PyObject *fast_read(PyObject *module, PyObject *args) {
    PyObject *data, *check;
    int max_depth;
    if (!PyArg_ParseTuple(args, "O!iO:read", &PyBytes_Type, &data, &max_depth, &check)) return NULL;
    if (max_depth < 1 || max_depth > MAX_DEPTH_CAP) {
        PyErr_SetString(PyExc_ValueError, "max_depth must be between 1 and 256");
        return NULL;
    }
    Reader R;
    memset(&R, 0, sizeof R);
    R.S.buf = R.S.p = PyBytes_AS_STRING(data);
    R.S.end = R.S.buf + PyBytes_GET_SIZE(data);
    R.max_depth = max_depth;
    R.check = check;
    R.frames = PyMem_Calloc((size_t)max_depth, sizeof(Frame));
    R.doc = PyObject_New(Doc, &DocType);
    if (R.frames == NULL || R.doc == NULL) {
        PyMem_Free(R.frames);
        Py_XDECREF(R.doc);
        return PyErr_NoMemory();
    }
    Py_INCREF(data);
    R.doc->data = data;
    R.doc->bindings = NULL;
    R.doc->nbind = R.doc->capbind = 0;
    int rc = read_document(&R);
    PyObject *result = NULL;
    if (rc == OK && R.nkids == 1) {
        result = R.kids[0];
        R.nkids = 0;
    } else if (rc != ERROR) {
        result = Py_None;
        Py_INCREF(result);
    }
    clear_tag(&R.tag);
    for (int i = 0; i < R.depth; i++) {
        Py_XDECREF(R.frames[i].tag);
        Py_XDECREF(R.frames[i].text);
        Py_XDECREF(R.frames[i].attrib);
    }
    for (Py_ssize_t i = 0; i < R.nkids; i++) Py_DECREF(R.kids[i]);
    PyMem_Free(R.kids);
    PyMem_Free(R.frames);
    PyMem_Free(R.S.scratch);
    Py_DECREF(R.doc);
    return result;
}

/* ---------------------------------------------------------------- canonical XML */

typedef struct {
    char *buf;
    Py_ssize_t len, cap;
} Out;

static int out_put(Out *o, const char *s, Py_ssize_t n) {
    if (o->len + n > o->cap) {
        Py_ssize_t cap = o->cap ? o->cap : 1024;
        while (cap < o->len + n) cap *= 2;
        char *b = PyMem_Realloc(o->buf, (size_t)cap);
        if (b == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, (size_t)n);
    o->len += n;
    return 0;
}

static int out_escaped(Out *o, const char *s, Py_ssize_t n, int attr) {
    const char *run = s;
    for (const char *q = s; q < s + n; q++) {
        const char *rep = NULL;
        switch (*q) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': if (!attr) rep = "&gt;"; break;
            case '"': if (attr) rep = "&quot;"; break;
            case '\t': if (attr) rep = "&#x9;"; break;
            case '\n': if (attr) rep = "&#xA;"; break;
            case '\r': rep = "&#xD;"; break;
        }
        if (rep != NULL) {
            if (out_put(o, run, q - run) < 0 || out_put(o, rep, (Py_ssize_t)strlen(rep)) < 0)
                return -1;
            run = q + 1;
        }
    }
    return out_put(o, run, s + n - run);
}

static int out_str(Out *o, PyObject *s, int attr) {
    if (s == NULL) return 0;
    Py_ssize_t n;
    const char *u = PyUnicode_AsUTF8AndSize(s, &n);
    return u == NULL ? -1 : out_escaped(o, u, n, attr);
}

typedef struct {
    const char *prefix;
    Py_ssize_t plen;
    const char *uri; /* "" for no namespace */
    Py_ssize_t ulen;
} Rendered;

typedef struct {
    Rendered *items;
    int n, cap;
} Context;

typedef struct {
    const char *k1;
    Py_ssize_t l1;
    const char *k2;
    Py_ssize_t l2;
    int index;
} SortKey;

static int bytes_cmp(const char *a, Py_ssize_t la, const char *b, Py_ssize_t lb) {
    int c = memcmp(a, b, (size_t)(la < lb ? la : lb));
    return c ? c : (la > lb) - (la < lb);
}

static int key_cmp(const void *x, const void *y) {
    const SortKey *a = x, *b = y;
    int c = bytes_cmp(a->k1, a->l1, b->k1, b->l1);
    return c ? c : bytes_cmp(a->k2, a->l2, b->k2, b->l2);
}

static int ctx_push(Context *c, const char *prefix, Py_ssize_t plen, const char *uri, Py_ssize_t ulen) {
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        Rendered *r = PyMem_Realloc(c->items, (size_t)cap * sizeof(Rendered));
        if (r == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        c->items = r;
        c->cap = cap;
    }
    c->items[c->n++] = (Rendered){prefix, plen, uri, ulen};
    return 0;
}


/* The canonical form follows libxml2's inclusive C14N as lxml runs it, quirks included. lxml
 * canonicalises an element other than the root in a stand-in document whose root is a copy of
 * the element carrying copies of the namespace declarations in scope. libxml2 then takes, for
 * each element E, the declarations in scope that xmlSearchNs(E, prefix) finds by pointer; but
 * xmlSearchNs also answers with an ancestor's own namespace, and an ancestor below the copied
 * root whose namespace was declared at or above the apex points at the original declaration,
 * not the copy: that prefix is then "lost" for E (not on E's list). A declaration is written
 * unless the parent's list holds the same prefix and URI (xmlns="" looks at every level); an
 * element whose list has no default namespace gets xmlns="" when the nearest list entry for the
 * default namespace on its path is not empty. Without lost prefixes this is plain C14N 1.0. */
#define MAX_IN_SCOPE 256

typedef struct {
    const char *prefix;
    Py_ssize_t plen;
} Prefix;

typedef struct {
    StartTag t;
    SortKey at[MAX_ATTRS];
    SortKey ns[MAX_IN_SCOPE];     /* to write */
    Binding *scope[MAX_IN_SCOPE]; /* the nearest binding of each prefix in scope */
    Prefix lost[MAX_IN_SCOPE];    /* lost for the children (the parent's, updated) */
} C14nFrame;

/* Let `check` (None or a callable) see a namespace URI the canonical form holds; it may raise. */
static int check_uri(PyObject *check, PyObject *uri) {
    if (check == Py_None || uri == NULL || PyUnicode_GET_LENGTH(uri) == 0) return 0;
    PyObject *r = PyObject_CallOneArg(check, uri);
    if (r == NULL) return -1;
    Py_DECREF(r);
    return 0;
}

static int prefix_in(const Prefix *set, int n, const char *prefix, Py_ssize_t plen) {
    for (int i = 0; i < n; i++) {
        if (set[i].plen == plen && memcmp(set[i].prefix, prefix, (size_t)plen) == 0) return 1;
    }
    return 0;
}

static int declares(const StartTag *t, const char *prefix, Py_ssize_t plen) {
    for (int i = 0; i < t->nattrs; i++) {
        const Attr *a = &t->attrs[i];
        if (!is_xmlns(a)) continue;
        Py_ssize_t alen = a->colon < 0 ? 0 : a->nlen - 6;
        if (alen == plen && memcmp(a->colon < 0 ? "" : a->name + 6, prefix, (size_t)plen) == 0)
            return 1;
    }
    return 0;
}

static int too_many(void) {
    PyErr_SetString(PyExc_ValueError, "too many namespaces in scope to canonicalise");
    return -1;
}

/* `levels` in ctx: each element's list; the parent's is ctx->items[parent_start, parent_end). */
static int c14n_element(Out *o, Node *n, Context *ctx, int apex, Scan *S, PyObject *check,
                        const Prefix *lost, int nlost, int parent_start, int parent_end,
                        int apex_scope) {
    Doc *d = n->doc;
    C14nFrame *F = PyMem_Malloc(sizeof(C14nFrame));
    if (F == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    StartTag *t = &F->t;
    SortKey *ns = F->ns, *at = F->at;
    int level = ctx->n;
    int nns = 0, nat = 0, nscope = 0, nchild_lost = 0;
    t->nattrs = 0;
    S->p = S->buf + n->start;
    if (read_start_tag(S, t) != OK) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "the source changed");
        goto fail;
    }
    /* The nearest binding of each prefix in scope. */
    for (int i = n->scope; i >= 0; i = d->bindings[i].prev) {
        Binding *b = &d->bindings[i];
        int seen = 0;
        for (int j = 0; j < nscope && !seen; j++) {
            seen = F->scope[j]->plen == b->plen &&
                   memcmp(F->scope[j]->prefix, b->prefix, (size_t)b->plen) == 0;
        }
        if (seen) continue;
        if (nscope == MAX_IN_SCOPE) {
            too_many();
            goto fail;
        }
        F->scope[nscope++] = b;
    }
    /* The URIs libxml2 checks: every one in scope at the apex, then each declared one. */
    for (int i = 0; i < nscope; i++) {
        if (apex && check_uri(check, F->scope[i]->uri) < 0) goto fail;
    }
    for (int i = 0; i < t->nattrs && !apex; i++) {
        if (is_xmlns(&t->attrs[i]) && check_uri(check, t->attrs[i].value) < 0) goto fail;
    }
    /* This element's list, and what of it is written. */
    int has_default = 0;
    for (int i = 0; i < nscope; i++) {
        Binding *b = F->scope[i];
        if (!apex && !declares(t, b->prefix, b->plen) && prefix_in(lost, nlost, b->prefix, b->plen))
            continue;
        const char *uri = b->uri8 ? b->uri8 : "";
        Py_ssize_t ulen = b->uri8 ? b->ulen : 0;
        int written;
        if (b->plen == 0) has_default = 1;
        if (b->plen == 0 && ulen == 0) {
            /* xmlns="": written when the nearest default on the path is not empty. */
            written = 0;
            for (int j = ctx->n - 1; j >= 0; j--) {
                if (ctx->items[j].plen == 0) {
                    written = ctx->items[j].ulen != 0;
                    break;
                }
            }
        } else {
            written = 1;
            for (int j = parent_end - 1; j >= parent_start; j--) {
                const Rendered *r = &ctx->items[j];
                if (r->plen == b->plen && memcmp(r->prefix, b->prefix, (size_t)b->plen) == 0) {
                    written = bytes_cmp(r->uri, r->ulen, uri, ulen) != 0;
                    break;
                }
            }
        }
        if (written) ns[nns++] = (SortKey){b->prefix, b->plen, uri, ulen, 0};
        if (ctx_push(ctx, b->prefix, b->plen, uri, ulen) < 0) goto fail;
    }
    int spurious = 0;
    if (!has_default) {
        for (int j = ctx->n - 1; j >= 0; j--) {
            if (ctx->items[j].plen == 0) {
                spurious = ctx->items[j].ulen != 0;
                break;
            }
        }
    }
    qsort(ns, (size_t)nns, sizeof(SortKey), key_cmp);
    /* Lost for the children: the parent's set, less what this element declares, and this
     * element's own prefix when its declaration is at or above the apex. */
    if (!apex) {
        for (int i = 0; i < nlost; i++) {
            if (!declares(t, lost[i].prefix, lost[i].plen)) F->lost[nchild_lost++] = lost[i];
        }
        const char *prefix = t->colon < 0 ? "" : t->name;
        Py_ssize_t plen = t->colon < 0 ? 0 : t->colon;
        Binding *b = declares(t, prefix, plen) ? NULL : lookup(d, n->scope, prefix, plen);
        if (b != NULL && b->uri != NULL) {
            int was = prefix_in(F->lost, nchild_lost, prefix, plen);
            if ((int)(b - d->bindings) <= apex_scope && !was) {
                if (nchild_lost == MAX_IN_SCOPE) {
                    too_many();
                    goto fail;
                }
                F->lost[nchild_lost++] = (Prefix){prefix, plen};
            } else if ((int)(b - d->bindings) > apex_scope && was) {
                for (int i = 0; i < nchild_lost; i++) {
                    if (F->lost[i].plen == plen && memcmp(F->lost[i].prefix, prefix, (size_t)plen) == 0)
                        F->lost[i] = F->lost[--nchild_lost];
                }
            }
        }
    }
    for (int i = 0; i < t->nattrs; i++) {
        Attr *a = &t->attrs[i];
        if (is_xmlns(a)) continue;
        const char *uri = "";
        Py_ssize_t ulen = 0;
        if (a->colon >= 0) {
            Binding *b = lookup(d, n->scope, a->name, a->colon);
            if (b == NULL || b->uri8 == NULL) {
                PyErr_SetString(PyExc_RuntimeError, "the source changed");
                goto fail;
            }
            uri = b->uri8;
            ulen = b->ulen;
        }
        const char *local = a->colon < 0 ? a->name : a->name + a->colon + 1;
        Py_ssize_t llen = a->colon < 0 ? a->nlen : a->nlen - a->colon - 1;
        at[nat++] = (SortKey){uri, ulen, local, llen, i};
    }
    qsort(at, (size_t)nat, sizeof(SortKey), key_cmp);
    if (out_put(o, "<", 1) < 0 || out_put(o, t->name, t->nlen) < 0) goto fail;
    if (spurious && out_put(o, " xmlns=\"\"", 9) < 0) goto fail;
    for (int i = 0; i < nns; i++) {
        if (out_put(o, " xmlns", 6) < 0) goto fail;
        if (ns[i].l1 && (out_put(o, ":", 1) < 0 || out_put(o, ns[i].k1, ns[i].l1) < 0)) goto fail;
        /* libxml2 writes namespace URIs as they are, unescaped (so lxml's C14N does). */
        if (out_put(o, "=\"", 2) < 0 || out_put(o, ns[i].k2, ns[i].l2) < 0 ||
            out_put(o, "\"", 1) < 0)
            goto fail;
    }
    for (int i = 0; i < nat; i++) {
        Attr *a = &t->attrs[at[i].index];
        if (out_put(o, " ", 1) < 0 || out_put(o, a->name, a->nlen) < 0 ||
            out_put(o, "=\"", 2) < 0 || out_str(o, a->value, 1) < 0 || out_put(o, "\"", 1) < 0)
            goto fail;
    }
    if (out_put(o, ">", 1) < 0 || out_str(o, n->text, 0) < 0) goto fail;
    int level_end = ctx->n;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(n->children); i++) {
        Node *child = (Node *)PyTuple_GET_ITEM(n->children, i);
        if (c14n_element(o, child, ctx, 0, S, check, F->lost, nchild_lost, level, level_end,
                         apex_scope) < 0 ||
            out_str(o, child->tail, 0) < 0)
            goto fail;
    }
    if (out_put(o, "</", 2) < 0 || out_put(o, t->name, t->nlen) < 0 || out_put(o, ">", 1) < 0)
        goto fail;
    clear_tag(t);
    PyMem_Free(F);
    ctx->n = level;
    return 0;
fail:
    clear_tag(t);
    PyMem_Free(F);
    ctx->n = level;
    return -1;
}

static PyObject *node_c14n(Node *n, PyObject *check) {
    Out o = {NULL, 0, 0};
    Context ctx = {NULL, 0, 0};
    Scan S;
    S.buf = PyBytes_AS_STRING(n->doc->data);
    S.end = S.buf + PyBytes_GET_SIZE(n->doc->data);
    S.scratch = NULL;
    S.scap = 0;
    /* The root is canonicalised in its own document: nothing is lost there. */
    int apex_scope = n->depth > 0 ? n->scope : -1;
    int rc = c14n_element(&o, n, &ctx, 1, &S, check, NULL, 0, 0, 0, apex_scope);
    PyObject *result = rc < 0 ? NULL : PyBytes_FromStringAndSize(o.buf, o.len);
    PyMem_Free(o.buf);
    PyMem_Free(ctx.items);
    PyMem_Free(S.scratch);
    return result;
}

/* ---------------------------------------------------------------- types and module */

static PyMemberDef node_members[] = {
    {"tag", T_OBJECT, offsetof(Node, tag), READONLY, "the tag in Clark notation"},
    {"text", T_OBJECT, offsetof(Node, text), READONLY, "the text before the first child"},
    {"tail", T_OBJECT, offsetof(Node, tail), READONLY, "the text after the end tag"},
    {NULL},
};

static PyMethodDef node_methods[] = {
    {"get", (PyCFunction)(void (*)(void))node_get, METH_FASTCALL, "an attribute's value"},
    {"keys", (PyCFunction)node_keys, METH_NOARGS, "the attribute names"},
    {"c14n", (PyCFunction)node_c14n, METH_O,
     "c14n(check): inclusive C14N 1.0 without comments; check(uri) sees each namespace URI"},
    {NULL},
};

static PySequenceMethods node_sequence = {
    .sq_length = (lenfunc)node_len,
    .sq_item = (ssizeargfunc)node_item,
};

static PyTypeObject NodeType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "opencbec.messages.ceb._fastxml.Node",
    .tp_basicsize = sizeof(Node),
    .tp_dealloc = (destructor)node_dealloc,
    .tp_repr = (reprfunc)node_repr,
    .tp_as_sequence = &node_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An element read by the fast reader (read-only).",
    .tp_iter = (getiterfunc)node_iter,
    .tp_methods = node_methods,
    .tp_members = node_members,
};

static PyMethodDef module_methods[] = {
    {"read", fast_read, METH_VARARGS,
     "read(data, max_depth, check) -> Node | None: the root, or None when lxml must decide;\n"
     "check(uri) tells whether a declared namespace URI is valid"},
    {NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastxml", "A reader for the XML subset of CEB messages.", -1,
    module_methods,
};

PyMODINIT_FUNC PyInit__fastxml(void) {
    init_tables();
    if (PyType_Ready(&DocType) < 0 || PyType_Ready(&NodeType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&NodeType);
    if (PyModule_AddObject(m, "Node", (PyObject *)&NodeType) < 0) {
        Py_DECREF(&NodeType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
