/* What the hello line says about the implementation and where it runs. */
#ifndef SOCKREF_AGENT_RUNTIME_H
#define SOCKREF_AGENT_RUNTIME_H

/* An emulation or sandbox layer the agent can see from inside (Wine). */
typedef struct {
  char name[32];
  char version[64];
} agent_layer;

#define AGENT_MAX_LAYERS 2

typedef struct {
  char impl_version[32];
  char os[32];
  char libc[64];
  char arch[72];
  agent_layer layers[AGENT_MAX_LAYERS];
  int layer_count;
} agent_runtime;

void runtime_describe(agent_runtime *rt);

#endif
