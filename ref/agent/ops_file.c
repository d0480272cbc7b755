/* File objects made by makefile: file.read, file.readline, file.write,
 * file.flush, file.close. The library's files carry bytes in every mode;
 * in text mode reads answer a string (the bytes as UTF-8; invalid
 * sequences become U+FFFD), in binary mode {"hex": ...}. file.write takes
 * either form. No newline translation or other encodings: text mode here
 * is UTF-8 with newline="" semantics. */
#include "ops.h"

static void reply_data(request *rq, int rc, char *data, size_t len) {
  if (!sr_failed(rq, rc)) {
    if (rq->file_entry->text)
      json_write_string(result(rq), data != NULL ? data : "", len);
    else
      json_write_hex_object(result(rq), data, len);
  }
  sr_free(data);
}

static void op_file_read(request *rq) {
  int64_t size;
  char *data = NULL;
  size_t len = 0;
  int rc;
  const json_value *v = arg_get(rq, "size|n");
  if (failed(rq))
    return;
  /* size None (or left out) reads to EOF, like -1. */
  if (v != NULL && v->type == JSON_NULL)
    size = -1;
  else if (!arg_int_or(rq, "size|n", -1, &size))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_file_read(rq->file, size, &data, &len);
  op_end(rq);
  reply_data(rq, rc, data, len);
}

static void op_file_readline(request *rq) {
  int64_t limit;
  char *data = NULL;
  size_t len = 0;
  int rc;
  const json_value *v = arg_get(rq, "size|limit");
  if (failed(rq))
    return;
  if (v != NULL && v->type == JSON_NULL)
    limit = -1;
  else if (!arg_int_or(rq, "size|limit", -1, &limit))
    return;
  if (!op_begin(rq))
    return;
  rc = sr_file_readline(rq->file, limit, &data, &len);
  op_end(rq);
  reply_data(rq, rc, data, len);
}

static void op_file_write(request *rq) {
  const json_value *v = arg_get(rq, "data");
  byte_view data;
  int rc;

  if (v == NULL) {
    if (!failed(rq))
      reply_protocol(rq, "missing argument 'data'");
    return;
  }
  if (v->type == JSON_STRING) {
    data.data = (const unsigned char *)v->u.string.ptr;
    data.len = v->u.string.len;
  } else if (!value_bytes(rq, "data", v, &data)) {
    return;
  }
  if (!op_begin(rq))
    return;
  rc = sr_file_write(rq->file, data.data, data.len);
  op_end(rq);
  if (!sr_failed(rq, rc))
    json_write_int(result(rq), rc);
}

static void op_file_flush(request *rq) {
  int rc;
  if (!op_begin(rq))
    return;
  rc = sr_file_flush(rq->file);
  op_end(rq);
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

static void op_file_close(request *rq) {
  int rc;
  if (!op_begin(rq))
    return;
  rc = sr_file_close(rq->file);
  op_end(rq);
  rq->file_entry->closed = true;
  if (!sr_failed(rq, rc))
    reply_null(rq);
}

const op_spec file_ops[] = {
    {"file.read", OP_FILE, op_file_read, "size|n"},
    {"file.readline", OP_FILE, op_file_readline, "size|limit"},
    {"file.write", OP_FILE, op_file_write, "data"},
    {"file.flush", OP_FILE, op_file_flush, ""},
    {"file.close", OP_FILE, op_file_close, ""},
};

const size_t file_ops_count = sizeof file_ops / sizeof file_ops[0];
