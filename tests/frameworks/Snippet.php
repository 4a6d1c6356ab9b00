<?php
/* The README's "Using it from your framework" snippets live in snippets/ and
 * are run from here: the documentation's servers 10.0.0.1-3:11211 become the
 * test pool's three servers (10.0.0.3 is the one that retires). */

final class FwSnippet
{
    /** Returns snippets/$name as written (what the README must show). */
    public static function text(string $name): string
    {
        $t = file_get_contents(__DIR__ . "/snippets/$name");
        if ($t === false) {
            throw new RuntimeException("no snippet $name");
        }
        return $t;
    }

    /** Returns snippets/$name with the documentation's servers replaced by
     * the test pool's, in whichever form the snippet spells them. */
    public static function forTest(string $name): string
    {
        $old = FwPool::old();
        return preg_replace_callback(
            "/10\\.0\\.0\\.([1-3])(:11211|', 11211|', 'port' => 11211)/",
            function (array $m) use ($old): string {
                [$host, $port] = explode(':', $old[(int)$m[1] - 1]);
                switch ($m[2]) {
                    case ':11211':
                        return "$host:$port";
                    case "', 11211":
                        return "$host', $port";
                    default:
                        return "$host', 'port' => $port";
                }
            },
            self::text($name)
        );
    }

    /** Runs a PHP snippet with $vars in scope; returns the variables it left. */
    public static function run(string $name, array $vars = []): array
    {
        extract($vars);
        eval(self::forTest($name));
        return get_defined_vars();
    }
}
