package dev.tlsaccept.server;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * CIDR blocks of the allow and deny lists: IPv4 and IPv6, the edge prefixes, normalized
 * text, and input that is refused with a message that says what is wrong.
 */
class CidrTests {

	@ParameterizedTest
	@CsvSource({ "10.0.0.0/8, 10.0.0.0, true", "10.0.0.0/8, 10.255.255.255, true", "10.0.0.0/8, 11.0.0.0, false",
			"10.0.0.0/8, 9.255.255.255, false", "192.168.1.0/24, 192.168.1.77, true",
			"192.168.1.0/24, 192.168.2.1, false", "0.0.0.0/0, 203.0.113.9, true", "0.0.0.0/0, 255.255.255.255, true",
			"203.0.113.9/32, 203.0.113.9, true", "203.0.113.9/32, 203.0.113.8, false", "203.0.113.9, 203.0.113.9, true",
			"203.0.113.9, 203.0.113.10, false", "128.0.0.0/1, 200.1.1.1, true", "128.0.0.0/1, 127.255.255.255, false",
			"255.255.255.254/31, 255.255.255.255, true", "255.255.255.254/31, 255.255.255.253, false" })
	void ipv4BlocksHoldExactlyTheirAddresses(String block, String address, boolean contained) throws Exception {
		assertThat(Cidr.parse(block).contains(InetAddress.getByName(address))).isEqualTo(contained);
	}

	@ParameterizedTest
	@CsvSource({ "2001:db8::/32, 2001:db8::1, true", "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
			"2001:db8::/32, 2001:db9::, false", "2001:db8:1:2::/64, 2001:db8:1:2:aaaa:bbbb:cccc:dddd, true",
			"2001:db8:1:2::/64, 2001:db8:1:3::1, false", "2001:db8:1:2:8000::/65, 2001:db8:1:2:ffff::, true",
			"2001:db8:1:2:8000::/65, 2001:db8:1:2:7fff::, false", "::/0, 2001:db8::1, true", "::/0, ::1, true",
			"::1/128, ::1, true", "::1/128, ::2, false", "::1, ::1, true", "2001:db8::7, 2001:db8::7, true",
			"2001:db8::7, 2001:db8::8, false", "2001:db8::ff00/120, 2001:db8::ffff, true",
			"2001:db8::ff00/120, 2001:db8::1:ff00, false" })
	void ipv6BlocksHoldExactlyTheirAddresses(String block, String address, boolean contained) throws Exception {
		assertThat(Cidr.parse(block).contains(InetAddress.getByName(address))).isEqualTo(contained);
	}

	@Test
	void blocksNeverHoldAddressesOfTheOtherFamily() throws Exception {
		assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("2001:db8::1"))).isFalse();
		assertThat(Cidr.parse("::/0").contains(InetAddress.getByName("10.0.0.1"))).isFalse();
		// the JDK gives IPv4-mapped IPv6 peers as IPv4 addresses: IPv4 blocks hold them
		assertThat(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("::ffff:10.1.2.3"))).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "10.0.0.0/8, 10.0.0.0/8", " 10.0.0.0/8 , 10.0.0.0/8", "203.0.113.9, 203.0.113.9",
			"203.0.113.9/32, 203.0.113.9", "0.0.0.0/0, 0.0.0.0/0", "2001:DB8::/32, 2001:db8::/32",
			"2001:0db8:0000:0000:0000:0000:0000:0000/32, 2001:db8::/32", "::/0, ::/0", "::1, ::1", "::1/128, ::1",
			"2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1", "2001:db8:0:1:0:0:0:0/64, 2001:db8:0:1::/64",
			"2001:db8:1:2:3:4:5:0/112, 2001:db8:1:2:3:4:5:0/112", "fe80::/10, fe80::/10" })
	void blocksAreWrittenInTheUsualNotation(String block, String text) {
		assertThat(Cidr.parse(block)).hasToString(text);
	}

	@Test
	void equalBlocksAreEqualWhateverTheirSpelling() {
		assertThat(Cidr.parse("2001:db8::/32")).isEqualTo(Cidr.parse("2001:0DB8:0::/32"))
			.hasSameHashCodeAs(Cidr.parse("2001:0DB8:0::/32"))
			.isNotEqualTo(Cidr.parse("2001:db8::/33"));
		assertThat(Cidr.parse("10.0.0.1")).isEqualTo(Cidr.parse("10.0.0.1/32")).isNotEqualTo(Cidr.parse("::a00:1"));
	}

	@Test
	void sourceOfAnAddressIsItsBlockOfThatPrefix() throws Exception {
		assertThat(Cidr.of(InetAddress.getByName("203.0.113.77"), 24)).hasToString("203.0.113.0/24");
		assertThat(Cidr.of(InetAddress.getByName("203.0.113.77"), 32)).hasToString("203.0.113.77");
		assertThat(Cidr.of(InetAddress.getByName("203.0.113.77"), 0)).hasToString("0.0.0.0/0");
		assertThat(Cidr.of(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 64)).hasToString("2001:db8:1:2::/64");
		assertThat(Cidr.of(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 128)).hasToString("2001:db8:1:2:3:4:5:6");
		assertThat(Cidr.of(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 0)).hasToString("::/0");
		assertThat(Cidr.of(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 64))
			.isEqualTo(Cidr.of(InetAddress.getByName("2001:db8:1:2:ffff::"), 64));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
			"10.0.0.0/33|'10.0.0.0/33' has a prefix length of 33: an IPv4 prefix length is 0 to 32",
			"2001:db8::/129|'2001:db8::/129' has a prefix length of 129: an IPv6 prefix length is 0 to 128",
			"10.0.0.0/|'10.0.0.0/' needs a prefix length after '/'", "10.0.0.0/-1|'10.0.0.0/-1' needs a prefix length",
			"10.0.0.0/8/8|'10.0.0.0/8/8' needs a prefix length", "10.0.0.0/x|'10.0.0.0/x' needs a prefix length",
			"/8|'/8' has no address", "10.1.2.3/8|'10.1.2.3/8' has host bits set: the block is 10.0.0.0/8",
			"2001:db8::1/32|'2001:db8::1/32' has host bits set: the block is 2001:db8::/32",
			"10.0.0|'10.0.0' is not an IP address or CIDR block", "10.0.0.256|'10.0.0.256' is not an IP address",
			"010.0.0.1|'010.0.0.1' is not an IP address", "10.0.0.0.0/8|'10.0.0.0.0/8' is not an IP address",
			"localhost|'localhost' is not an IP address or CIDR block: write e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32 (host names are not resolved)",
			"example.com/24|'example.com/24' is not an IP address", "abc|'abc' is not an IP address",
			"2001:db8:::/32|'2001:db8:::/32' is not an IPv6 address",
			"fe80::1%eth0|'fe80::1%eth0' is not an IPv6 address",
			"::ffff:10.0.0.0/104|'::ffff:10.0.0.0/104' is an IPv4-mapped IPv6 address: write it as IPv4",
			"\" \"|has no address" })
	void badInputIsRefusedSayingWhatIsWrong(String input, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> Cidr.parse(input)).withMessageContaining(message);
	}

}
