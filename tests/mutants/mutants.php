<?php
/*
 * The hand-written semantic mutants of memrehash's safety rules, read by
 * tests/mutants/apply.php and tests/mutants/run.sh.
 *
 * Each mutant finds its target by content: `find` is a PCRE pattern that
 * must match exactly once in all the *.c files of the copy together, so a
 * mutant follows its code when a function moves to another file, and a
 * mutant whose code changed shape is reported as "does not apply" (a
 * failure: fix the pattern) instead of silently mutating something else.
 * `replace` is preg_replace's replacement ($1... refer to the groups).
 * A mutant may have several edits (`edits`: a list of [find, replace]).
 *
 * `tests` are the deterministic tests that must kill it (the first that
 * fails counts): "phpt:tests/NAME.phpt" or "phpunit:Class::method".
 * None depends on a timing bound. `full` marks a mutant only
 * `run.sh --full` runs (its tests take long); none is, today.
 */
return [
    'add-as-set' => [
        'what' => "a move writes its copy at N with set instead of add (overwrites a fresher write)",
        'edits' => [['/(mr_wire_ms\(w, it->n, it->key, it->klen, )MR_MODE_ADD(, mr_wire_value\(w, it->ro\), vlen,\s*r->flags, it->ttl, 0, true\);\s*it->stage = ST_MOVING;)/',
            '$1MR_MODE_SET$2']],
        'tests' => ['phpunit:RaceOrderTest::testMoveAddsAtNewAndNeverOverwritesAFresherWrite'],
    ],
    'no-recheck-after-double-miss' => [
        'what' => "a get of a key missing at N and at O does not look at N again (misses a key another process moved between the two looks)",
        'edits' => [['/it->stage = ST_RECHECK;/', 'count(p, MR_C_MISSES, 1);']],
        'tests' => ['phpt:tests/get_race_recheck.phpt'],
    ],
    'delete-old-without-cas' => [
        'what' => "a lease move deletes at O without O's CAS (removes a write made meanwhile)",
        'edits' => [['/(it->rd = mr_wire_md\(w, it->o, it->key, it->klen, )it->cas(\);\s*it->rg = mr_guard_get\(w, it->key, it->klen, it->n\);\s*it->rlook)/', '${1}0$2']],
        'tests' => ['phpunit:RaceOrderTest::testDeleteAtOldIsCasCheckedAndTheCopyAtNewIsTakenBack'],
    ],
    'delete-old-without-cas-ordered' => [
        'what' => "an ordered move (ordered_move) deletes at O without O's CAS",
        'edits' => [['/(it->rd = mr_wire_md\(w, it->o, it->key, it->klen, )it->cas(\);\s*it->rg = mr_guard_get\(w, it->key, it->klen, it->n\); \/\* see later_queue)/', '${1}0$2']],
        'tests' => ['phpunit:RaceOrderTest::testOrderedDeleteAtOldIsCasCheckedToo'],
    ],
    'delete-old-before-add-answered' => [
        'what' => "a move sends the delete at O together with the add at N (before N holds the copy)",
        'edits' => [
            ['/(r->flags, it->ttl, 0, true\);\n\tit->stage = ST_MOVING;)/',
                "\$1\n\tit->rd = mr_wire_md(w, it->o, it->key, it->klen, it->cas);"],
            ['/it->rd = mr_wire_md\(w, it->o, it->key, it->klen, it->cas\);(\s*it->rg = mr_guard_get\(w, it->key, it->klen, it->n\); \/\* see later_queue)/', '$1'],
        ],
        'tests' => ['phpunit:RaceOrderTest::testOldLetsGoOnlyOnceNewHoldsTheCopy'],
    ],
    'lease-unchecked' => [
        'what' => "a lease move keeps its copy at N though a delete removed its lease while the add was on its way (the deleted key comes back)",
        'edits' => [['/\|\| mr_wire_req\(w, it->rg\)->rc == MR_OK\s*\|\| \(it->rlook != MR_NO_REQ && !mr_lease_intact\(w, it->rlook, it->lease_cas\)\)\) \{/',
            '|| mr_wire_req(w, it->rg)->rc == MR_OK) {']],
        'tests' => ['phpunit:RaceOrderTest::testLeaseMoveTakesItsCopyBackWhenADeletePassedNew'],
    ],
    'delete-leaves-lease' => [
        'what' => "a delete of a moving key leaves the key's lease at N (a lease move whose add lands after the delete keeps its copy)",
        'edits' => [['/if \(it->rd != MR_NO_REQ\) \{\s*mr_lease_drop\(w, it->key, it->klen, it->n, 0\);\s*\}/', '']],
        'tests' => ['phpunit:RaceOrderTest::testLeaseMoveTakesItsCopyBackWhenADeletePassedNew'],
    ],
    'lease-ignored' => [
        'what' => "a get moves a key whose lease another mover holds (two movers write the key at once)",
        'edits' => [['/(static bool take_lease_answer\(mr_pool_t \*p, mr_item_t \*it\)\s*\{\s*mr_req_t \*l = mr_wire_req\(p->wire, it->rl\);\s*if \()l->rc == MR_OK\) \{/',
            '${1}1) {']],
        'tests' => ['phpunit:RaceOrderTest::testLeaseHeldByAnotherMoverServesOldWithoutMoving'],
    ],
    'no-takeback-when-old-changed' => [
        'what' => "a move whose CAS-checked delete at O found O changed leaves its copy at N",
        'edits' => [['/(count_raced_move\(p, it->n, it->o, mr_wire_req\(w, it->ro\)->vlen\);)\s*mr_wire_md\(w, it->n, it->key, it->klen, it->add_cas\);/', '$1']],
        'tests' => ['phpunit:RaceOrderTest::testDeleteAtOldIsCasCheckedAndTheCopyAtNewIsTakenBack'],
    ],
    'no-takeback-deferred' => [
        'what' => "with deferred_delete, a delete at O that found O changed takes nothing back at N",
        'edits' => [['/(if \(rc == MR_MISS \|\| rc == MR_EXISTS \|\| mr_wire_req\(p->later, l->greq\)->rc == MR_OK\) \{\s*count_raced_move\(p, l->n, l->o, l->vlen\);\s*return )true;/', '${1}false;']],
        'tests' => ['phpunit:RaceOrderTest::testDeferredDeleteAtOldIsCasCheckedToo'],
    ],
    'old-delete-failure-ignored' => [
        'what' => "a delete whose O cannot be reached is done at N with no guard (O's copy comes back)",
        'edits' => [
            ['/bool o_failed = it->rd != MR_NO_REQ && mr_rc_is_error\(mr_wire_req\(w, it->rd\)->rc\);/', 'bool o_failed = false;'],
        ],
        'tests' => ['phpt:tests/write_old_down_never_older.phpt'],
    ],
    'old-write-failure-ignored' => [
        'what' => "a set whose delete at O failed leaves no guard at N (O's copy comes back once N loses it)",
        'edits' => [['/(if \(mr_rc_is_error\(rc\)\) \{\s*mr_pool_count_error\(p, it->o\);)\s*if \(!mr_rc_is_error\(it->rc\)\) \{\s*mr_guard_put\(w, p, it, it->o\);\s*any = true;\s*\}/',
            '$1']],
        'tests' => ['phpt:tests/write_old_down_never_older.phpt'],
    ],
    'ttl-zero' => [
        'what' => "a move copies the value with TTL 0 instead of its remaining TTL",
        'edits' => [['/it->ttl = mr_migrate_ttl\(r->ttl, p->fallback_ttl, now\);/', 'it->ttl = 0;']],
        'tests' => ['phpt:tests/get_ttl_kept.phpt'],
    ],
    'drain-ttl-zero' => [
        'what' => "a drain copies values with TTL 0",
        'edits' => [['/it->ttl = mr_migrate_ttl\(r->ttl, p->fallback_ttl,\s*r->ttl > MR_RELATIVE_TTL_MAX \? mr_wire_server_time\(w, it->n\) : now\);/', 'it->ttl = 0;']],
        'tests' => ['phpunit:DrainTest::testDrainMovesEveryKeyIntact'],
    ],
    'flags-dropped' => [
        'what' => "a move writes its copy at N with flags 0 (PECL memcached then misreads ints, arrays, compressed values)",
        'edits' => [['/(MR_MODE_ADD, mr_wire_value\(w, it->ro\), vlen,\s*)r->flags(, it->ttl, 0, true\);\s*it->stage = ST_MOVING;)/', '${1}0$2']],
        'tests' => ['phpunit:MigrationTest::testMemcachedDataMovesIntactOnRead'],
    ],
    'getmulti-skips-old' => [
        'what' => "a getMulti never looks at O (a key not yet moved is a miss)",
        'edits' => [['/if \(take_new_answer\(p, it, mr_wire_req\(w, it->rn\), complete\)\) \{/',
            'if (take_new_answer(p, it, mr_wire_req(w, it->rn), complete) && (n == 1 || (it->rc = MR_MISS, false))) {']],
        'tests' => ['phpt:tests/multi_get.phpt'],
    ],
    'cutover-ignores-marker' => [
        'what' => "a pool never takes another host's completion marker (keeps asking O after the fleet cut over)",
        'edits' => [['/(mr_req_t \*req = mr_wire_req\(p->wire, r\);\s*if \()req->rc == MR_OK\) \{/', '${1}0 && req->rc == MR_OK) {']],
        'tests' => ['phpunit:FleetCountersTest::testAnotherHostSeesTheCompletionByTheMarker'],
    ],
    'drain-deletes-after-failed-add' => [
        'what' => "a drain deletes at the source keys whose add at the target failed",
        'edits' => [['/(\} else \{\s*)t\[MR_DRAIN_ERRORS\]\+\+; \/\* the source keeps it \*\/\s*mr_pool_count_error\(p, it->n\);/', '${1}it->stage = ST_DELETING;']],
        'tests' => ['phpt:tests/get_refused_by_new.phpt', 'phpt:tests/drain_target_down.phpt'],
    ],
    'complete-pool-asks-old' => [
        'what' => "a complete pool still consults the old servers",
        'edits' => [['/(static inline bool moving\(const mr_pool_t \*p, mr_item_t \*it, bool complete\)\s*\{\s*return )!complete && /', '$1']],
        'tests' => ['phpunit:MigrationTest::testCompletePoolNeverLooksAtOld'],
    ],
    'copy-deletes-source' => [
        'what' => "drain with copy => true deletes at the source like a drain",
        'edits' => [['/if \(d->o->copy\) \{\s*drain_count_moved\(d, it\);\s*\} else \{\s*(it->stage = ST_DELETING;)\s*\}/', '$1'],
            ['/if \(!d->o->copy\) \{(\s*drain_deletes\(d\);)/', 'if (1) {$1']],
        'tests' => ['phpt:tests/drain_copy.phpt'],
    ],
    'session-unlock-without-cas' => [
        'what' => "the session handler releases its lock without the lock's CAS (deletes a lock another request took over)",
        'edits' => [['/mr_wire_md\(w, s->lock\.n, s->lock\.key, s->lock\.klen, s->lock_cas_new\);/', 'mr_wire_md(w, s->lock.n, s->lock.key, s->lock.klen, 0);']],
        'tests' => ['phpt:tests/session_lock_release_own.phpt'],
    ],
    'bad-key-unchecked' => [
        'what' => "keys with whitespace or control bytes are sent as they are (protocol injection)",
        'edits' => [['/\|\| mr_key_bad_byte\(key, klen\) < klen\)\) \{/', '|| 0)) {']],
        'tests' => ['phpt:tests/key_invalid.phpt', 'phpt:tests/protocol_key_injection.phpt'],
    ],
    'reply-opaque-unchecked' => [
        'what' => "a reply is taken for the request it answers without checking its opaque (O<n>)",
        'edits' => [['/if \(!is_err && \(!rep\.has_opaque \|\| rep\.opaque != i\)\) \{/', 'if (0 && !is_err) {']],
        'tests' => ['phpt:tests/hostile_wrong_reply.phpt'],
    ],
    'no-constructor-unchecked' => [
        'what' => "methods of a MemRehash whose constructor never ran use the missing pool",
        'edits' => [['/if \(UNEXPECTED\(!o->f\.pool\)\) \{\s*zend_throw_error\(NULL, "MemRehash constructor was not called"\);\s*return NULL;\s*\}/', '']],
        'tests' => ['phpt:tests/object_no_constructor_msgpack.phpt'],
    ],
    'dropin-bad-key-unchecked' => [
        'what' => "MemRehash\\Memcached sends keys with spaces or control bytes (PECL's check: false + RES_BAD_KEY_PROVIDED, nothing sent)",
        'edits' => [['/if \(c <= 0x20 \|\| c >= 0x7f\) \{/', 'if (0) {']],
        'tests' => ['phpt:tests/dropin_moves.phpt'],
    ],
];
