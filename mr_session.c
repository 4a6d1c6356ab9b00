/* The memrehash session save handler (work in progress: registered later). */
#include "php.h"
#include "mr_session.h"

void mr_session_register(void)
{
}
