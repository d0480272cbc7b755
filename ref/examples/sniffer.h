/* The platform half of the sniffer example: how a raw socket is opened and
 * put into "see everything" mode differs between Linux and Windows. */
#ifndef SOCKREF_SNIFFER_H
#define SOCKREF_SNIFFER_H

#include "sockref.h"

/* A raw IPv4 socket bound to host, with IP_HDRINCL set (and, on Windows,
 * SIO_RCVALL switched on). Returns 0 or an SR code; *what names the step
 * that failed. */
int sniffer_open(const char *host, sr_socket **out, const char **what);

/* Undo what sniffer_open switched on (Windows: SIO_RCVALL off). */
int sniffer_finish(sr_socket *s);

#endif
