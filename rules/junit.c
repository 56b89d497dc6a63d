/*
 * junit.c - JUnit XML through libxml2's xmlwriter (junit.h): the writer
 * escapes; we only make sure what it is given is UTF-8 without the
 * control characters XML 1.0 cannot carry.
 */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "junit.h"

/* s as valid UTF-8 without control characters but \t and \n: a copy
 * (malloc'd) with '?' for each byte that is not; NULL when out of memory. */
static char *clean(const char *s)
{
	size_t n = strlen(s);
	unsigned char *o = malloc(n + 1);
	const unsigned char *p = (const unsigned char *)s;

	if (!o)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
			     (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		size_t k = 1;

		while (len > 1 && k < len && i + k < n &&
		       (p[i + k] & 0xc0) == 0x80)
			k++;
		if (len == 0 || k < len || (c < 0x80 && c < 0x20 &&
					    c != '\t' && c != '\n') ||
		    c == 0x7f || c == 0xc0 || c == 0xc1 || c > 0xf4) {
			o[i++] = '?';
			continue;
		}
		memcpy(o + i, p + i, len);
		i += len;
	}
	o[n] = '\0';
	return (char *)o;
}

static int attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *v = clean(value);
	int rc = v ? xmlTextWriterWriteAttribute(w, BAD_CAST name,
						 BAD_CAST v) : -1;

	free(v);
	return rc < 0 ? -1 : 0;
}

static int attr_int(xmlTextWriterPtr w, const char *name, int value)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%d",
						 value) < 0 ? -1 : 0;
}

/* A <failure>: its message is the detail's first line, its text all. */
static int failure(xmlTextWriterPtr w, const char *detail)
{
	char first[256];
	char *body = clean(detail);
	int rc;

	snprintf(first, sizeof(first), "%.*s", (int)strcspn(detail, "\n"),
		 detail);
	rc = !body || xmlTextWriterStartElement(w, BAD_CAST "failure") < 0 ||
	     attr(w, "type", "porttop check") < 0 ||
	     attr(w, "message", first) < 0 ||
	     xmlTextWriterWriteString(w, BAD_CAST body) < 0 ||
	     xmlTextWriterEndElement(w) < 0 ? -1 : 0;
	free(body);
	return rc;
}

static int testcase(xmlTextWriterPtr w, const struct rules *rs,
		    const struct rule *r, const struct verdict *v)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
	    attr(w, "classname", rs->path) < 0 || attr(w, "name", r->name) < 0 ||
	    attr(w, "file", rs->path) < 0 || attr_int(w, "line", r->line) < 0)
		return -1;
	if (!v->ok && failure(w, v->detail) < 0)
		return -1;
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int document(xmlTextWriterPtr w, const struct rules *rs,
		    const struct verdict *v)
{
	int failures = 0;

	for (int i = 0; i < rs->n; i++)
		failures += !v[i].ok;
	if (xmlTextWriterSetIndent(w, 1) < 0 ||
	    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
	    attr(w, "name", "porttop check") < 0 ||
	    attr_int(w, "tests", rs->n) < 0 ||
	    attr_int(w, "failures", failures) < 0 ||
	    xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
	    attr(w, "name", rs->path) < 0 || attr_int(w, "tests", rs->n) < 0 ||
	    attr_int(w, "failures", failures) < 0 ||
	    attr_int(w, "errors", 0) < 0 || attr_int(w, "skipped", 0) < 0)
		return -1;
	for (int i = 0; i < rs->n; i++)
		if (testcase(w, rs, &rs->r[i], &v[i]) < 0)
			return -1;
	return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int junit_write(FILE *f, const struct rules *rs, const struct verdict *v)
{
	xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(f, NULL);
	xmlTextWriterPtr w = buf ? xmlNewTextWriter(buf) : NULL;
	int rc;

	if (!w) {
		if (buf)
			xmlOutputBufferClose(buf);
		fclose(f);
		return -1;
	}
	rc = document(w, rs, v);
	xmlFreeTextWriter(w);	/* flushes and closes buf, not f */
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}
