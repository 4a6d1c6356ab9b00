/* mr_memcached: MemRehash\Memcached, the drop-in for PECL's \Memcached. */
#ifndef MR_MEMCACHED_H
#define MR_MEMCACHED_H

#include "php.h"
#include "mr_face.h"

/* Registers MemRehash\Memcached when PECL memcached's class is loaded
 * (MINIT); does nothing otherwise. */
void mr_memcached_register(void);

/* Frees a thread's face table (GSHUTDOWN). */
void mr_memcached_globals_free(struct mr_face ***table, uint32_t *cap);

/* Returns the engine state attached to a \Memcached object, or NULL. */
mr_face_t *mr_memcached_face(zend_object *obj);

/* Method bodies shared with MemRehash: f is its (constructed, strict)
 * face. Parameters are parsed as the MemRehash method declares them, which
 * is as \Memcached declares its own. */
void mr_face_m_get(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_get_multi(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_get_delayed(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_fetch(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_fetch_all(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_cas(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_append(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_prepend(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_delete(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);
void mr_face_m_arith(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f, bool incr);
void mr_face_m_flush(INTERNAL_FUNCTION_PARAMETERS, mr_face_t *f);

#endif
