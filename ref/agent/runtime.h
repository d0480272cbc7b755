/* What the hello line says about the implementation and where it runs. */
#ifndef SOCKREF_AGENT_RUNTIME_H
#define SOCKREF_AGENT_RUNTIME_H

typedef struct {
  char impl_version[32];
  char os[32];
  char libc[64];
  char arch[72];
} agent_runtime;

void runtime_describe(agent_runtime *rt);

#endif
