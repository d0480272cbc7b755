/* The hello line's `capabilities` object (docs/agent-protocol.md). */
#ifndef SOCKREF_AGENT_CAPABILITIES_H
#define SOCKREF_AGENT_CAPABILITIES_H

#include "json.h"

/* Writes the object as the value of the current key. */
void capabilities_write(json_writer *w);

#endif
