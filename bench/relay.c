/* relay: a delaying TCP relay for the latency mode of bench/run.sh.
 *
 *   relay -d DELAY_US [-l LISTEN_ADDR] LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT [...]
 *
 * One process, one thread. Each LISTEN_PORT on LISTEN_ADDR (default
 * 127.0.0.2: another loopback address, so a relay can take the port number
 * of the memcached it fronts on 127.0.0.1) accepts clients;
 * each client gets its own connection to its upstream. Every chunk read from
 * either side is written to the other side DELAY_US microseconds after it
 * was read (a fixed delay each way: a request and its reply together take
 * 2 x DELAY_US longer), in order, with TCP_NODELAY on every socket. This
 * kernel has no netem; pin the relay to a CPU of its own (taskset) so that
 * it does not take the client's CPU. Runs until killed. Timers: epoll_pwait2
 * (nanoseconds) with a timer slack of 1 ns, so a delay is kept to within a
 * few microseconds when the CPU is free. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUTES 16
#define CHUNK_MAX 65536

/* A chunk read from one side, due on the other at due_ns. */
typedef struct chunk {
	uint64_t due_ns;
	size_t len, off;
	struct chunk *next;
	char data[];
} chunk_t;

/* One direction's target: a socket and what waits to be written to it. */
typedef struct side {
	int fd;
	chunk_t *head, *tail;
	struct side *peer;       /* the socket whose reads feed this one's peer */
	struct link *link;
	bool want_out;           /* registered for EPOLLOUT (a write would block) */
} side_t;

typedef struct link {
	side_t a, b;             /* a: the client, b: the upstream */
	bool closing;
	struct link *next;
} link_t;

typedef struct {
	int listen_fd;
	struct sockaddr_storage up;
	socklen_t up_len;
} route_t;

static uint64_t delay_ns;
static struct in_addr listen_addr;
static int ep;
static link_t *links;
static route_t routes[MAX_ROUTES];
static int nroutes;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void set_nodelay_nonblock(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Registers s's socket: always for input, for output while a write waits. */
static void watch(side_t *s, int op)
{
	struct epoll_event ev = { .events = EPOLLIN | (s->want_out ? EPOLLOUT : 0), .data.ptr = s };
	epoll_ctl(ep, op, s->fd, &ev);
}

static void link_free(link_t *l)
{
	for (side_t *s = &l->a; s; s = s == &l->a ? &l->b : NULL) {
		close(s->fd);
		while (s->head) {
			chunk_t *c = s->head;
			s->head = c->next;
			free(c);
		}
	}
	link_t **pp = &links;
	while (*pp != l) {
		pp = &(*pp)->next;
	}
	*pp = l->next;
	free(l);
}

/* Accepts a client on route r and connects it to r's upstream. */
static void accept_client(route_t *r)
{
	int cfd = accept(r->listen_fd, NULL, NULL);
	if (cfd < 0) {
		return;
	}
	int ufd = socket(r->up.ss_family, SOCK_STREAM, 0);
	if (ufd < 0 || connect(ufd, (struct sockaddr *) &r->up, r->up_len) != 0) {
		close(cfd);
		if (ufd >= 0) close(ufd);
		return;
	}
	set_nodelay_nonblock(cfd);
	set_nodelay_nonblock(ufd);
	link_t *l = calloc(1, sizeof(*l));
	l->a = (side_t) { .fd = cfd, .peer = &l->b, .link = l };
	l->b = (side_t) { .fd = ufd, .peer = &l->a, .link = l };
	l->next = links;
	links = l;
	watch(&l->a, EPOLL_CTL_ADD);
	watch(&l->b, EPOLL_CTL_ADD);
}

/* Reads what s's socket has; queues it on the peer, due after the delay. */
static void read_side(side_t *s)
{
	for (;;) {
		chunk_t *c = malloc(sizeof(chunk_t) + CHUNK_MAX);
		ssize_t n = recv(s->fd, c->data, CHUNK_MAX, 0);
		if (n <= 0) {
			free(c);
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				/* a side closed: the link goes at once (what waits is
				 * dropped), so that a closed socket's endless readiness
				 * never keeps the relay busy */
				s->link->closing = true;
			}
			return;
		}
		c->due_ns = now_ns() + delay_ns;
		c->len = (size_t) n;
		c->off = 0;
		c->next = NULL;
		side_t *to = s->peer;
		if (to->tail) to->tail->next = c; else to->head = c;
		to->tail = c;
		if ((size_t) n < CHUNK_MAX) {
			return;
		}
	}
}

/* Writes s's due chunks. Returns false when the link broke. */
static bool flush_side(side_t *s, uint64_t now)
{
	while (s->head && s->head->due_ns <= now) {
		chunk_t *c = s->head;
		ssize_t n = send(s->fd, c->data + c->off, c->len - c->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN) {
				if (!s->want_out) {
					s->want_out = true;
					watch(s, EPOLL_CTL_MOD);
				}
				return true;
			}
			return errno == EINTR;
		}
		c->off += (size_t) n;
		if (c->off < c->len) {
			continue;
		}
		s->head = c->next;
		if (!s->head) s->tail = NULL;
		free(c);
	}
	if (s->want_out) {
		s->want_out = false;
		watch(s, EPOLL_CTL_MOD);
	}
	return true;
}

/* Returns the earliest due time of every queued chunk (UINT64_MAX: none). */
static uint64_t next_due(void)
{
	uint64_t due = UINT64_MAX;
	for (link_t *l = links; l; l = l->next) {
		if (l->a.head && l->a.head->due_ns < due) due = l->a.head->due_ns;
		if (l->b.head && l->b.head->due_ns < due) due = l->b.head->due_ns;
	}
	return due;
}

static void add_route(const char *spec)
{
	char host[256];
	int lport, uport;
	if (nroutes == MAX_ROUTES || sscanf(spec, "%d:%255[^:]:%d", &lport, host, &uport) != 3) {
		fprintf(stderr, "relay: bad route %s (LISTEN_PORT:HOST:PORT)\n", spec);
		exit(2);
	}
	route_t *r = &routes[nroutes++];
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
	char port[16];
	snprintf(port, sizeof(port), "%d", uport);
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "relay: cannot resolve %s\n", host);
		exit(2);
	}
	memcpy(&r->up, ai->ai_addr, ai->ai_addrlen);
	r->up_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(r->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t) lport), .sin_addr = listen_addr };
	if (bind(r->listen_fd, (struct sockaddr *) &sa, sizeof(sa)) != 0 || listen(r->listen_fd, 128) != 0) {
		die("relay: listen");
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = r };
	epoll_ctl(ep, EPOLL_CTL_ADD, r->listen_fd, &ev);
}

static bool is_route(void *p)
{
	return p >= (void *) routes && p < (void *) (routes + MAX_ROUTES);
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-d") != 0) {
		fprintf(stderr, "usage: relay -d DELAY_US [-l LISTEN_ADDR] LISTEN_PORT:UPSTREAM_HOST:UPSTREAM_PORT [...]\n");
		return 2;
	}
	delay_ns = (uint64_t) strtoull(argv[2], NULL, 10) * 1000u;
	int first = 3;
	inet_pton(AF_INET, "127.0.0.2", &listen_addr);
	if (argc > 5 && strcmp(argv[3], "-l") == 0) {
		if (inet_pton(AF_INET, argv[4], &listen_addr) != 1) {
			fprintf(stderr, "relay: bad listen address %s\n", argv[4]);
			return 2;
		}
		first = 5;
	}
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	ep = epoll_create1(0);
	if (ep < 0) die("relay: epoll");
	for (int i = first; i < argc; i++) {
		add_route(argv[i]);
	}
	struct epoll_event evs[64];
	for (;;) {
		uint64_t due = next_due(), now = now_ns();
		struct timespec ts, *tp = NULL;
		if (due != UINT64_MAX) {
			uint64_t wait = due > now ? due - now : 0;
			ts.tv_sec = (time_t) (wait / 1000000000u);
			ts.tv_nsec = (long) (wait % 1000000000u);
			tp = &ts;
		}
		int n = epoll_pwait2(ep, evs, 64, tp, NULL);
		if (n < 0 && errno != EINTR) die("relay: epoll_pwait2");
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			if (is_route(p)) {
				accept_client(p);
			} else if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !((side_t *) p)->link->closing) {
				read_side(p);
			}
		}
		now = now_ns();
		for (link_t *l = links, *next; l; l = next) {
			next = l->next;
			bool ok = flush_side(&l->a, now) && flush_side(&l->b, now);
			if (!ok || l->closing) {
				link_free(l);
			}
		}
	}
}
