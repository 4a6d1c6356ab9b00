/* mr_memcached: MemRehash\Memcached, the drop-in for PECL's \Memcached. */
#ifndef MR_MEMCACHED_H
#define MR_MEMCACHED_H

#include "php.h"
#include "mr_face.h"

/* Registers MemRehash\Memcached when PECL memcached's class is loaded
 * (MINIT); does nothing otherwise. */
void mr_memcached_register(void);

/* Frees the face table (MSHUTDOWN). */
void mr_memcached_shutdown(void);

/* Returns the engine state attached to a \Memcached object, or NULL. */
mr_face_t *mr_memcached_face(zend_object *obj);

#endif
