// libmaxminddb (Debian: libmaxminddb-dev), the reader of MaxMind DB files, for placing a client's address on
// the map (sessions' LastLocation). Linked through pkg-config (libmaxminddb), or statically for the packaged
// binary (COGNATE_STATIC_OPENSSL=1).
#ifndef CCOGNATE_MAXMINDDB_H
#define CCOGNATE_MAXMINDDB_H

#if !__has_include(<maxminddb.h>)
#error "Cognate needs libmaxminddb's headers to build: install libmaxminddb-dev (apt-get install libmaxminddb-dev)."
#endif

#include <maxminddb.h>
#include <stdint.h>

/// The UTF-8 string at `first`/`second`/`third` in a looked-up record (MMDB_get_value is variadic, which Swift
/// cannot call). Answers MMDB_SUCCESS with `*out` NULL when the record has no string there, and libmaxminddb's
/// error when the database cannot be read.
static inline int cognate_mmdb_string(MMDB_entry_s *entry, const char *first, const char *second, const char *third,
                                      const char **out, uint32_t *length) {
    MMDB_entry_data_s data;
    *out = NULL;
    *length = 0;
    int status = MMDB_get_value(entry, &data, first, second, third, NULL);
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || status == MMDB_INVALID_LOOKUP_PATH_ERROR) return MMDB_SUCCESS;
    if (status != MMDB_SUCCESS) return status;
    if (data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
        *out = data.utf8_string;
        *length = data.data_size;
    }
    return MMDB_SUCCESS;
}

#endif
