// libxml2 (Debian: libxml2-dev) for SAML: parsing with no network, no DTD and no entity expansion, and its
// canonicalization (exclusive and inclusive C14N) for XML signatures. Only what Cognate calls.
// The include path comes from pkg-config (libxml-2.0) through Package.swift; so does the library, linked dynamically,
// or statically for the packaged binary (COGNATE_STATIC_OPENSSL=1).
#ifndef CCOGNATE_LIBXML2_H
#define CCOGNATE_LIBXML2_H

#if !__has_include(<libxml/parser.h>)
#error "Cognate needs libxml2's headers to build: install libxml2-dev (apt-get install libxml2-dev)."
#endif

// libxml2 built with ICU names ICU's converters in one structure Cognate never touches; Foundation has an ICU
// of its own whose declarations clash with the system's, so libxml2's headers are read without ICU's.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/c14n.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <zlib.h>

/// `xmlFree` is a global function pointer in libxml2: a call through a function Swift can see as constant.
static inline void cognate_xml_free(void *pointer) { xmlFree(pointer); }

/// Raw DEFLATE (RFC 1951) for SAML's redirect binding: `out` receives at most `capacity` bytes; answers the
/// length written, or -1 when it does not fit or the input is not DEFLATE.
static inline long cognate_raw_deflate(const unsigned char *in, unsigned long length, unsigned char *out, unsigned long capacity) {
    z_stream stream = {0};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    stream.next_in = (unsigned char *)in;
    stream.avail_in = (uInt)length;
    stream.next_out = out;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, Z_FINISH);
    long written = (long)stream.total_out;
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : -1;
}

static inline long cognate_raw_inflate(const unsigned char *in, unsigned long length, unsigned char *out, unsigned long capacity) {
    z_stream stream = {0};
    if (inflateInit2(&stream, -15) != Z_OK) return -1;
    stream.next_in = (unsigned char *)in;
    stream.avail_in = (uInt)length;
    stream.next_out = out;
    stream.avail_out = (uInt)capacity;
    int status = inflate(&stream, Z_FINISH);
    long written = (long)stream.total_out;
    inflateEnd(&stream);
    return status == Z_STREAM_END ? written : -1;
}

#endif
