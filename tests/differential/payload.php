<?php
/* The content of a compressed value as PECL memcached stores it, for
 * compare.php: two clients may compress the same bytes differently (each
 * FastLZ or zlib compressor picks its own matches; memrehash's FastLZ is its
 * own, mr_fastlz.c) and both read either form back, so an end dump compares
 * what a compressed item holds, not the compressor's choices.
 *
 * PECL's layout: flags bit 16 (compressed) with 32 (zlib) or 64 (FastLZ);
 * the payload is the original length (4 bytes, little-endian) then the
 * compressed block. */

const DIFF_VAL_COMPRESSED = 16;
const DIFF_VAL_ZLIB = 32;
const DIFF_VAL_FASTLZ = 64;

/** Returns the uncompressed bytes of a compressed payload, or null when the
 * flags do not say compressed or the payload does not decode to its
 * announced length. */
function diff_payload_content(int $flags, string $payload): ?string
{
    if (!($flags & DIFF_VAL_COMPRESSED) || strlen($payload) < 4) {
        return null;
    }
    $len = unpack('V', $payload)[1];
    $block = substr($payload, 4);
    if ($flags & DIFF_VAL_FASTLZ) {
        $out = diff_fastlz_decode($block);
    } elseif ($flags & DIFF_VAL_ZLIB) {
        $out = @gzuncompress($block);
    } else {
        return null;
    }
    return (is_string($out) && strlen($out) === $len) ? $out : null;
}

/** Returns the bytes a FastLZ block (level 1 or 2) decodes to, or null
 * when it is malformed. The format: see mr_fastlz.c's header. */
function diff_fastlz_decode(string $in): ?string
{
    $n = strlen($in);
    if ($n === 0) {
        return '';
    }
    $level = (ord($in[0]) >> 5) + 1;
    if ($level > 2) {
        return null;
    }
    $out = '';
    $ip = 0;
    $ctrl = ord($in[$ip++]) & 31;
    while (true) {
        if ($ctrl < 32) {
            // a literal run of ctrl + 1 bytes
            if ($ip + $ctrl + 1 > $n) {
                return null;
            }
            $out .= substr($in, $ip, $ctrl + 1);
            $ip += $ctrl + 1;
        } else {
            $len = ($ctrl >> 5) - 1;
            $back = ($ctrl & 31) << 8;
            if ($len === 6) {
                // a long match: its length byte, or a chain of 255s (level 2)
                do {
                    if ($ip >= $n) {
                        return null;
                    }
                    $code = ord($in[$ip++]);
                    $len += $code;
                } while ($level === 2 && $code === 255);
            }
            if ($ip >= $n) {
                return null;
            }
            $code = ord($in[$ip++]);
            $back += $code + 1;
            if ($level === 2 && $code === 255 && ($ctrl & 31) === 31) {
                // level 2's far distance: 16 bits more, past the near 8191
                if ($ip + 2 > $n) {
                    return null;
                }
                $back = (ord($in[$ip]) << 8 | ord($in[$ip + 1])) + 8192;
                $ip += 2;
            }
            $from = strlen($out) - $back;
            if ($from < 0) {
                return null;
            }
            // byte by byte: the copy may overlap what it writes
            for ($i = 0; $i < $len + 3; $i++) {
                $out .= $out[$from + $i];
            }
        }
        if ($ip >= $n) {
            return $out;
        }
        $ctrl = ord($in[$ip++]);
    }
}
