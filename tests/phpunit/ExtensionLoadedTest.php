<?php
use PHPUnit\Framework\TestCase;

/** The build under test is the one this tree describes. */
final class ExtensionLoadedTest extends TestCase
{
    public function testExtensionIsLoaded(): void
    {
        $this->assertTrue(extension_loaded('memrehash'));
    }

    public function testClassExists(): void
    {
        $this->assertTrue(class_exists('MemRehash', false));
        $this->assertTrue((new ReflectionClass('MemRehash'))->isFinal());
    }

    public function testVersionMatchesPackageXml(): void
    {
        $xml = simplexml_load_file(__DIR__ . '/../../package.xml');
        $this->assertNotFalse($xml, 'package.xml is readable');
        $release = (string)$xml->version->release;
        $this->assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', $release);
        $this->assertSame($release, phpversion('memrehash'));
    }
}
