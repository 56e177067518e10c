// errors.cc - the shim: status names, the last error, the Xapian version.
#include "internal.h"

// -------------------------------------------------------------------- misc

const char *xap_status_name(xap_status status)
{
    switch (raw(status)) {
    case XAP_OK: return "OK";
    case XAP_ERR_NOMEM: return "ERR_NOMEM";
    case XAP_ERR_INVALID_ARG: return "ERR_INVALID_ARG";
    case XAP_ERR_DB_NOT_FOUND: return "ERR_DB_NOT_FOUND";
    case XAP_ERR_DB_OPENING: return "ERR_DB_OPENING";
    case XAP_ERR_DB_LOCKED: return "ERR_DB_LOCKED";
    case XAP_ERR_DB_CORRUPT: return "ERR_DB_CORRUPT";
    case XAP_ERR_DB_VERSION: return "ERR_DB_VERSION";
    case XAP_ERR_DB_MODIFIED: return "ERR_DB_MODIFIED";
    case XAP_ERR_DB_CLOSED: return "ERR_DB_CLOSED";
    case XAP_ERR_DB: return "ERR_DB";
    case XAP_ERR_RESOURCE: return "ERR_RESOURCE";
    case XAP_ERR_DOC_NOT_FOUND: return "ERR_DOC_NOT_FOUND";
    case XAP_ERR_QUERY_PARSE: return "ERR_QUERY_PARSE";
    case XAP_ERR_NETWORK: return "ERR_NETWORK";
    case XAP_ERR_UNIMPLEMENTED: return "ERR_UNIMPLEMENTED";
    case XAP_ERR_RANGE: return "ERR_RANGE";
    case XAP_ERR_WILDCARD: return "ERR_WILDCARD";
    case XAP_ERR_QUERY_GRAMMAR: return "ERR_QUERY_GRAMMAR";
    case XAP_ERR_XAPIAN: return "ERR_XAPIAN";
    case XAP_ERR_UNKNOWN: return "ERR_UNKNOWN";
    }
    return "INVALID_STATUS";
}

const char *xap_last_error(void)
{
    return t_last_error.c_str();
}

const char *xap_version_string(void)
{
    return Xapian::version_string();
}

