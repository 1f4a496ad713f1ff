package dev.tlsaccept.server;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Immutable admission rules of a {@link TlsServer} by source address, applied when a
 * connection is accepted, before its handshake starts: allow and deny lists of CIDR
 * blocks, and limits per source (pending handshakes at once, new connections per second).
 * A refused connection is closed at once, counted in {@link TlsServerStats} and reported
 * to the observer as {@code -1 SYSCALL} with the rule as reason. Nothing is restricted
 * unless configured ({@link #NONE}).
 *
 * <ul>
 * <li>Deny wins: a connection from a denied block is refused
 * ({@code refused: deny 10.1.2.0/24}), even when it is also allowed.</li>
 * <li>A non-empty allow list refuses every address outside it
 * ({@code refused: not in allow
 * list}).</li>
 * <li>A source is the IPv4 address ({@code /32}) or the IPv6 {@code /64} of the peer,
 * unless other prefix lengths are configured.</li>
 * </ul>
 *
 * <pre class="code">
 * SourceLimits limits = SourceLimits.builder()
 *     .allow("10.0.0.0/8")
 *     .deny("10.66.0.0/24")
 *     .maxPendingHandshakesPerSource(5)
 *     .maxHandshakesPerSecondPerSource(20)
 *     .build();
 * TlsServerSettings settings = TlsServerSettings.builder("gateway").sourceLimits(limits).build();
 * </pre>
 */
public final class SourceLimits {

	/** The value of a per-source limit that is not configured. */
	public static final int UNLIMITED = Integer.MAX_VALUE;

	/**
	 * Prefix length that makes an IPv4 address one source unless configured: each
	 * address.
	 */
	public static final int DEFAULT_SOURCE_PREFIX_IPV4 = 32;

	/**
	 * Prefix length that makes an IPv6 address one source unless configured: each /64.
	 */
	public static final int DEFAULT_SOURCE_PREFIX_IPV6 = 64;

	/** No rule: every source allowed, no limit per source. */
	public static final SourceLimits NONE = builder().build();

	private final List<Cidr> allow;

	private final List<Cidr> deny;

	private final int maxPendingHandshakesPerSource;

	private final int maxHandshakesPerSecondPerSource;

	private final int handshakeBurstPerSource;

	private final int sourcePrefixIpv4;

	private final int sourcePrefixIpv6;

	private SourceLimits(Builder builder) {
		this.allow = List.copyOf(builder.allow);
		this.deny = List.copyOf(builder.deny);
		this.maxPendingHandshakesPerSource = builder.maxPendingHandshakesPerSource;
		this.maxHandshakesPerSecondPerSource = builder.maxHandshakesPerSecondPerSource;
		this.handshakeBurstPerSource = (builder.handshakeBurstPerSource != null) ? builder.handshakeBurstPerSource
				: builder.maxHandshakesPerSecondPerSource;
		this.sourcePrefixIpv4 = builder.sourcePrefixIpv4;
		this.sourcePrefixIpv6 = builder.sourcePrefixIpv6;
	}

	/**
	 * Start building rules; nothing is restricted until set.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * The blocks allowed to connect, in the usual notation ({@code 10.0.0.0/8}, a single
	 * address alone).
	 * @return the blocks; empty: every address not denied may connect
	 */
	public List<String> allow() {
		return this.allow.stream().map(Cidr::toString).toList();
	}

	/**
	 * The blocks refused, in the usual notation.
	 * @return the blocks; empty: none
	 */
	public List<String> deny() {
		return this.deny.stream().map(Cidr::toString).toList();
	}

	/**
	 * How many handshakes one source may have in progress at once.
	 * @return the limit, {@link #UNLIMITED} unless configured
	 */
	public int maxPendingHandshakesPerSource() {
		return this.maxPendingHandshakesPerSource;
	}

	/**
	 * How many new connections one source may open per second, on average.
	 * @return the rate, {@link #UNLIMITED} unless configured
	 */
	public int maxHandshakesPerSecondPerSource() {
		return this.maxHandshakesPerSecondPerSource;
	}

	/**
	 * How many new connections one source may open at once (the size of its token bucket,
	 * which refills at {@link #maxHandshakesPerSecondPerSource()}).
	 * @return the burst, the rate unless configured
	 */
	public int handshakeBurstPerSource() {
		return this.handshakeBurstPerSource;
	}

	/**
	 * The prefix length that makes IPv4 addresses one source.
	 * @return 0 to 32, {@value #DEFAULT_SOURCE_PREFIX_IPV4} unless configured
	 */
	public int sourcePrefixIpv4() {
		return this.sourcePrefixIpv4;
	}

	/**
	 * The prefix length that makes IPv6 addresses one source.
	 * @return 0 to 128, {@value #DEFAULT_SOURCE_PREFIX_IPV6} unless configured
	 */
	public int sourcePrefixIpv6() {
		return this.sourcePrefixIpv6;
	}

	/**
	 * Whether any limit per source is set, so that sources must be tracked.
	 */
	boolean limitsPerSource() {
		return this.maxPendingHandshakesPerSource != UNLIMITED || this.maxHandshakesPerSecondPerSource != UNLIMITED;
	}

	/**
	 * The denied block that holds an address (the first one listed).
	 * @param address the peer's address, {@code null} when unknown
	 * @return the block, or {@code null} when none holds it
	 */
	@Nullable Cidr denied(@Nullable InetAddress address) {
		if (address != null) {
			for (Cidr denied : this.deny) {
				if (denied.contains(address)) {
					return denied;
				}
			}
		}
		return null;
	}

	/**
	 * Whether the allow list admits an address: every address when it is empty, else
	 * those in an allowed block (an unknown address is in none).
	 * @param address the peer's address, {@code null} when unknown
	 * @return {@code true} when allowed
	 */
	boolean allowed(@Nullable InetAddress address) {
		if (this.allow.isEmpty()) {
			return true;
		}
		if (address != null) {
			for (Cidr allowed : this.allow) {
				if (allowed.contains(address)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The source an address belongs to, for the limits per source.
	 * @param address the address
	 * @return the block of the configured prefix length that holds it
	 */
	Cidr sourceOf(InetAddress address) {
		return Cidr.of(address, (address.getAddress().length == 4) ? this.sourcePrefixIpv4 : this.sourcePrefixIpv6);
	}

	@Override
	public String toString() {
		return "SourceLimits[allow=" + this.allow + ", deny=" + this.deny + ", maxPendingHandshakesPerSource="
				+ text(this.maxPendingHandshakesPerSource) + ", maxHandshakesPerSecondPerSource="
				+ text(this.maxHandshakesPerSecondPerSource) + ", handshakeBurstPerSource="
				+ text(this.handshakeBurstPerSource) + ", sourcePrefixIpv4=" + this.sourcePrefixIpv4
				+ ", sourcePrefixIpv6=" + this.sourcePrefixIpv6 + "]";
	}

	private static String text(int limit) {
		return (limit == UNLIMITED) ? "unlimited" : Integer.toString(limit);
	}

	/**
	 * Builds {@link SourceLimits}; every rule is checked as it is set.
	 */
	public static final class Builder {

		private final List<Cidr> allow = new ArrayList<>();

		private final List<Cidr> deny = new ArrayList<>();

		private int maxPendingHandshakesPerSource = UNLIMITED;

		private int maxHandshakesPerSecondPerSource = UNLIMITED;

		private @Nullable Integer handshakeBurstPerSource;

		private int sourcePrefixIpv4 = DEFAULT_SOURCE_PREFIX_IPV4;

		private int sourcePrefixIpv6 = DEFAULT_SOURCE_PREFIX_IPV6;

		private Builder() {
		}

		/**
		 * Allow a block; once one is allowed, every address outside the allowed blocks is
		 * refused.
		 * @param cidr an IPv4 or IPv6 block such as {@code 10.0.0.0/8} or
		 * {@code 2001:db8::/32}, or a bare address (a {@code /32} or {@code /128}); never
		 * a host name
		 * @return this builder
		 * @throws IllegalArgumentException when it is not a block, naming what is wrong
		 */
		public Builder allow(String cidr) {
			this.allow.add(Cidr.parse(Objects.requireNonNull(cidr, "cidr must not be null")));
			return this;
		}

		/**
		 * Refuse a block, even when it is allowed too.
		 * @param cidr an IPv4 or IPv6 block, or a bare address; never a host name
		 * @return this builder
		 * @throws IllegalArgumentException when it is not a block, naming what is wrong
		 */
		public Builder deny(String cidr) {
			this.deny.add(Cidr.parse(Objects.requireNonNull(cidr, "cidr must not be null")));
			return this;
		}

		/**
		 * How many handshakes one source may have in progress at once.
		 * @param maxPendingHandshakesPerSource at least 1; unlimited by default
		 * @return this builder
		 */
		public Builder maxPendingHandshakesPerSource(int maxPendingHandshakesPerSource) {
			this.maxPendingHandshakesPerSource = positive("maxPendingHandshakesPerSource",
					maxPendingHandshakesPerSource);
			return this;
		}

		/**
		 * How many new connections one source may open per second, on average (a token
		 * bucket).
		 * @param maxHandshakesPerSecondPerSource at least 1; unlimited by default
		 * @return this builder
		 */
		public Builder maxHandshakesPerSecondPerSource(int maxHandshakesPerSecondPerSource) {
			this.maxHandshakesPerSecondPerSource = positive("maxHandshakesPerSecondPerSource",
					maxHandshakesPerSecondPerSource);
			return this;
		}

		/**
		 * How many new connections one source may open at once before the rate applies.
		 * @param handshakeBurstPerSource at least 1; the rate by default
		 * @return this builder
		 */
		public Builder handshakeBurstPerSource(int handshakeBurstPerSource) {
			this.handshakeBurstPerSource = positive("handshakeBurstPerSource", handshakeBurstPerSource);
			return this;
		}

		/**
		 * The prefix length that makes IPv4 addresses one source.
		 * @param sourcePrefixIpv4 0 (all IPv4 addresses are one source) to 32 (each
		 * address, the default)
		 * @return this builder
		 */
		public Builder sourcePrefixIpv4(int sourcePrefixIpv4) {
			this.sourcePrefixIpv4 = prefix("sourcePrefixIpv4", sourcePrefixIpv4, 32);
			return this;
		}

		/**
		 * The prefix length that makes IPv6 addresses one source.
		 * @param sourcePrefixIpv6 0 to 128; 64 by default (one host or site usually holds
		 * a whole /64)
		 * @return this builder
		 */
		public Builder sourcePrefixIpv6(int sourcePrefixIpv6) {
			this.sourcePrefixIpv6 = prefix("sourcePrefixIpv6", sourcePrefixIpv6, 128);
			return this;
		}

		/**
		 * Build the rules.
		 * @return immutable rules
		 * @throws IllegalArgumentException when a burst is set without a rate
		 */
		public SourceLimits build() {
			if (this.handshakeBurstPerSource != null && this.maxHandshakesPerSecondPerSource == UNLIMITED) {
				throw new IllegalArgumentException("handshakeBurstPerSource needs maxHandshakesPerSecondPerSource: "
						+ "set the rate too, or remove the burst");
			}
			return new SourceLimits(this);
		}

		private static int positive(String setting, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(setting + " must be at least 1, was " + value);
			}
			return value;
		}

		private static int prefix(String setting, int value, int max) {
			if (value < 0 || value > max) {
				throw new IllegalArgumentException(setting + " must be between 0 and " + max + ", was " + value);
			}
			return value;
		}

	}

}
