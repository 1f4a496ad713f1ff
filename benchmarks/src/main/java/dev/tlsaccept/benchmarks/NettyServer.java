package dev.tlsaccept.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

/**
 * What a Netty user gets: NIO event loops (Netty's default count), {@link SslHandler} on
 * OpenSSL (netty-tcnative), the connection closed with close_notify once the handshake
 * completes, or an echo.
 */
@SuppressWarnings("try")
final class NettyServer implements AutoCloseable {

	private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());

	private final Channel channel;

	static boolean available() {
		try {
			return OpenSsl.isAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	NettyServer(PrivateKey key, X509Certificate certificate, boolean echo) throws Exception {
		SslContext ssl = SslContextBuilder.forServer(key, certificate)
			.sslProvider(SslProvider.OPENSSL)
			.protocols("TLSv1.3", "TLSv1.2")
			.build();
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.boss, this.workers)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(ssl.newHandler(channel.alloc()));
					channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
						@Override
						public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
							if (event instanceof SslHandshakeCompletionEvent completion) {
								if (!completion.isSuccess() || !echo) {
									ctx.pipeline()
										.get(SslHandler.class)
										.closeOutbound()
										.addListener((ChannelFutureListener) (f) -> ctx.close());
								}
							}
						}

						@Override
						public void channelRead(ChannelHandlerContext ctx, Object message) {
							if (echo) {
								ctx.writeAndFlush(message);
							}
							else {
								ReferenceCountUtil.release(message);
							}
						}

						@Override
						public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
							ctx.close();
						}
					});
				}
			});
		this.channel = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
	}

	int port() {
		return ((InetSocketAddress) this.channel.localAddress()).getPort();
	}

	@Override
	public void close() throws InterruptedException {
		this.channel.close().sync();
		this.boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
		this.workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
	}

}
