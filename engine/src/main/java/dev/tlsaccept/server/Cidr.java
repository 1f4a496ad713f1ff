package dev.tlsaccept.server;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address block: a network address and a prefix length, as in
 * {@code 10.0.0.0/8} or {@code 2001:db8::/32}. Immutable; equal blocks are equal objects,
 * so a block is also the key of a source in {@link SourceTracker}. Parsing never resolves
 * a host name.
 */
final class Cidr {

	private final boolean ipv6;

	/** The first 64 bits of an IPv6 network; 0 for IPv4. */
	private final long high;

	/** The last 64 bits of an IPv6 network; the 32 bits of an IPv4 one. */
	private final long low;

	private final int prefix;

	private Cidr(boolean ipv6, long high, long low, int prefix) {
		this.ipv6 = ipv6;
		this.high = high;
		this.low = low;
		this.prefix = prefix;
	}

	/**
	 * Parse a block: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a bare address (a
	 * {@code /32} or {@code /128}). The address must be the network's first one (no host
	 * bits set).
	 * @param text the block
	 * @return the block
	 * @throws IllegalArgumentException saying what is wrong and what was meant where it
	 * can tell
	 */
	static Cidr parse(String text) {
		String trimmed = text.strip();
		int slash = trimmed.indexOf('/');
		String address = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		if (address.isEmpty()) {
			throw new IllegalArgumentException(quoted(text) + " has no address before the prefix length");
		}
		boolean ipv6 = address.indexOf(':') >= 0;
		int maxPrefix = ipv6 ? 128 : 32;
		int prefix = maxPrefix;
		if (slash >= 0) {
			prefix = prefixLength(text, trimmed.substring(slash + 1), maxPrefix, ipv6);
		}
		Cidr block = ipv6 ? unmasked(ipv6Address(text, address), prefix) : ipv4(parseIpv4(text, address), prefix);
		Cidr network = block.network();
		if (!network.equals(block)) {
			throw new IllegalArgumentException(quoted(text) + " has host bits set: the block is " + network
					+ " (or write the address alone for just that address)");
		}
		return block;
	}

	/**
	 * The block of that prefix length that holds the address.
	 * @param address an IPv4 or IPv6 address
	 * @param prefix 0 to 32 for IPv4, 0 to 128 for IPv6
	 * @return the block, its network address masked
	 */
	static Cidr of(InetAddress address, int prefix) {
		return unmasked(address, prefix).network();
	}

	private static Cidr unmasked(InetAddress address, int prefix) {
		byte[] bytes = address.getAddress();
		if (bytes.length == 4) {
			return ipv4(toLong(bytes, 0, 4), prefix);
		}
		return new Cidr(true, toLong(bytes, 0, 8), toLong(bytes, 8, 8), prefix);
	}

	private static Cidr ipv4(long bits, int prefix) {
		return new Cidr(false, 0, bits, prefix);
	}

	/**
	 * Whether the block holds the address. An IPv4 block never holds an IPv6 address
	 * (IPv4-mapped IPv6 addresses reach the server as IPv4 addresses).
	 * @param address the address
	 * @return {@code true} when the address is in the block
	 */
	boolean contains(InetAddress address) {
		byte[] bytes = address.getAddress();
		if ((bytes.length == 16) != this.ipv6) {
			return false;
		}
		if (!this.ipv6) {
			return (toLong(bytes, 0, 4) & ipv4Mask(this.prefix)) == this.low;
		}
		return (toLong(bytes, 0, 8) & highMask(this.prefix)) == this.high
				&& (toLong(bytes, 8, 8) & lowMask(this.prefix)) == this.low;
	}

	int prefix() {
		return this.prefix;
	}

	boolean isIpv6() {
		return this.ipv6;
	}

	private Cidr network() {
		if (!this.ipv6) {
			return new Cidr(false, 0, this.low & ipv4Mask(this.prefix), this.prefix);
		}
		return new Cidr(true, this.high & highMask(this.prefix), this.low & lowMask(this.prefix), this.prefix);
	}

	private static long ipv4Mask(int prefix) {
		return (prefix == 0) ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
	}

	private static long highMask(int prefix) {
		return (prefix == 0) ? 0 : (prefix >= 64) ? -1L : -1L << (64 - prefix);
	}

	private static long lowMask(int prefix) {
		return (prefix <= 64) ? 0 : (prefix == 128) ? -1L : -1L << (128 - prefix);
	}

	private static int prefixLength(String text, String digits, int maxPrefix, boolean ipv6) {
		if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new IllegalArgumentException(quoted(text) + " needs a prefix length after '/': a number from 0 to "
					+ maxPrefix + ", e.g. " + (ipv6 ? "2001:db8::/32" : "10.0.0.0/8"));
		}
		int prefix = Integer.parseInt(digits);
		if (prefix > maxPrefix) {
			throw new IllegalArgumentException(quoted(text) + " has a prefix length of " + prefix + ": an "
					+ (ipv6 ? "IPv6" : "IPv4") + " prefix length is 0 to " + maxPrefix);
		}
		return prefix;
	}

	private static long parseIpv4(String text, String address) {
		String[] parts = address.split("\\.", -1);
		if (parts.length != 4) {
			throw notAnAddress(text);
		}
		long bits = 0;
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch((c) -> c >= '0' && c <= '9')
					|| (part.length() > 1 && part.charAt(0) == '0')) {
				throw notAnAddress(text);
			}
			int value = Integer.parseInt(part);
			if (value > 255) {
				throw notAnAddress(text);
			}
			bits = (bits << 8) | value;
		}
		return bits;
	}

	private static InetAddress ipv6Address(String text, String address) {
		if (!address.chars()
			.allMatch((c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
					|| c == '.')) {
			throw new IllegalArgumentException(quoted(text)
					+ " is not an IPv6 address (zone ids and host names are not allowed), e.g. 2001:db8::/32");
		}
		try {
			// in brackets, the JDK parses a literal or fails: it never looks a name up
			InetAddress parsed = InetAddress.getByName("[" + address + "]");
			if (parsed instanceof Inet4Address) {
				throw new IllegalArgumentException(quoted(text)
						+ " is an IPv4-mapped IPv6 address: write it as IPv4, e.g. " + parsed.getHostAddress());
			}
			if (!(parsed instanceof Inet6Address)) {
				throw notAnAddress(text);
			}
			return parsed;
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(quoted(text) + " is not an IPv6 address, e.g. 2001:db8::/32", ex);
		}
	}

	private static IllegalArgumentException notAnAddress(String text) {
		return new IllegalArgumentException(quoted(text) + " is not an IP address or CIDR block: write e.g. 10.0.0.0/8,"
				+ " 192.0.2.7 or 2001:db8::/32 (host names are not resolved)");
	}

	private static String quoted(String text) {
		return "'" + text + "'";
	}

	private static long toLong(byte[] bytes, int offset, int length) {
		long value = 0;
		for (int i = offset; i < offset + length; i++) {
			value = (value << 8) | (bytes[i] & 0xFF);
		}
		return value;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Cidr that && this.ipv6 == that.ipv6 && this.high == that.high && this.low == that.low
				&& this.prefix == that.prefix;
	}

	@Override
	public int hashCode() {
		long mixed = this.high * 0x9E37_79B9_7F4A_7C15L + this.low;
		mixed = (mixed ^ (mixed >>> 32)) * 31 + this.prefix;
		return Long.hashCode(mixed) ^ (this.ipv6 ? 0x5bd1e995 : 0);
	}

	/**
	 * The block in the usual notation; a single address ({@code /32}, {@code /128})
	 * alone.
	 * @return e.g. {@code 10.0.0.0/8}, {@code 2001:db8::/32} or {@code 127.0.0.5}
	 */
	@Override
	public String toString() {
		String address;
		if (!this.ipv6) {
			address = ((this.low >>> 24) & 0xFF) + "." + ((this.low >>> 16) & 0xFF) + "." + ((this.low >>> 8) & 0xFF)
					+ "." + (this.low & 0xFF);
		}
		else {
			address = ipv6Text(this.high, this.low);
		}
		return (this.prefix == (this.ipv6 ? 128 : 32)) ? address : address + "/" + this.prefix;
	}

	/**
	 * RFC 5952: lower case, the longest run of two or more zero groups written
	 * {@code ::}.
	 */
	private static String ipv6Text(long high, long low) {
		int[] groups = new int[8];
		for (int i = 0; i < 4; i++) {
			groups[i] = (int) ((high >>> (48 - 16 * i)) & 0xFFFF);
			groups[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xFFFF);
		}
		int bestStart = -1;
		int bestLength = 1;
		for (int i = 0; i < 8; i++) {
			int length = 0;
			while (i + length < 8 && groups[i + length] == 0) {
				length++;
			}
			if (length > bestLength) {
				bestStart = i;
				bestLength = length;
			}
		}
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			if (i == bestStart) {
				text.append("::");
				i += bestLength - 1;
				continue;
			}
			if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
				text.append(':');
			}
			text.append(Integer.toHexString(groups[i]));
		}
		return text.toString();
	}

}
