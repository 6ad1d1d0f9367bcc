package io.t4j.trainer.distributed;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The rank-0 store's listening socket, bound to one address. c10d's {@code TCPStore} binds its server to every
 * interface whatever host it is given (measured: {@code 0.0.0.0:port} for host 127.0.0.1), but it accepts an
 * already listening socket ({@code TCPStoreOptions.master_listen_fd}, as torchrun's agent passes one). This class
 * makes that socket with libc through the FFM API ({@code socket}, {@code setsockopt(SO_REUSEADDR)}, {@code bind},
 * {@code listen}, {@code getsockname}), so the store listens on the given address only; with port 0 the kernel picks
 * a free port ({@link #port()}), with no window in which another process could take it.
 *
 * <p>A launcher that must share the port before rank 0 starts (Spark's barrier mode) opens the socket with port 0,
 * shares {@link #port()}, and hands the socket to rank 0's {@link DistributedContext.Rendezvous}.
 *
 * <p>Linux and macOS (their constants and {@code sockaddr} layouts differ); elsewhere {@link #open} fails with a
 * message saying so. The store takes ownership of the descriptor; {@link #close()} is for when it never got it.
 */
public final class StoreSocket implements AutoCloseable {
    private static final boolean MAC = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    private static final int AF_INET = 2;
    private static final int AF_INET6 = MAC ? 30 : 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = MAC ? 0xffff : 1;
    private static final int SO_REUSEADDR = MAC ? 4 : 2;
    private static final int BACKLOG = 2048;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private final int fd;
    private final int port;
    private boolean handedOver;

    private StoreSocket(int fd, int port) {
        this.fd = fd;
        this.port = port;
    }

    /** A socket listening on {@code address}:{@code port} only ({@code port} 0: a free port). */
    public static StoreSocket open(InetAddress address, int port) {
        if (!LINUX && !MAC) {
            throw new UnsupportedOperationException("binding the rank-0 store to one address needs Linux or macOS "
                    + "(os.name " + System.getProperty("os.name") + ")");
        }
        boolean v6 = address instanceof Inet6Address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CALL_STATE);
            int fd = (int) call("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)).invokeExact(errno, v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
            if (fd < 0) {
                throw new DistributedException("socket() failed: " + strerror(errno));
            }
            StoreSocket socket = new StoreSocket(fd, 0);
            try {
                MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
                int rc = (int) call("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT))
                        .invokeExact(errno, fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
                if (rc != 0) {
                    throw new DistributedException("setsockopt(SO_REUSEADDR) failed: " + strerror(errno));
                }
                MemorySegment sa = sockaddr(arena, address, port);
                rc = (int) call("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_INT)).invokeExact(errno, fd, sa, (int) sa.byteSize());
                if (rc != 0) {
                    throw new DistributedException("cannot bind the rank-0 store to " + hostPort(address, port) + ": "
                            + strerror(errno) + (port != 0 ? " (is MASTER_PORT " + port + " taken, or is "
                            + address.getHostAddress() + " not an address of this machine?)" : ""));
                }
                rc = (int) call("listen", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT)).invokeExact(errno, fd, BACKLOG);
                if (rc != 0) {
                    throw new DistributedException("listen() on " + hostPort(address, port) + " failed: " + strerror(errno));
                }
                MemorySegment bound = arena.allocate(sa.byteSize());
                MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) sa.byteSize());
                rc = (int) call("getsockname", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS)).invokeExact(errno, fd, bound, len);
                if (rc != 0) {
                    throw new DistributedException("getsockname() failed: " + strerror(errno));
                }
                int boundPort = ((bound.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8) | (bound.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
                return new StoreSocket(fd, boundPort);
            } catch (RuntimeException e) {
                socket.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new DistributedException("cannot open the rank-0 store socket on " + hostPort(address, port) + ": " + t, t);
        }
    }

    int fd() {
        return fd;
    }

    public int port() {
        return port;
    }

    /** The store owns the descriptor from now on. */
    void handedOver() {
        handedOver = true;
    }

    @Override
    public void close() {
        if (!handedOver) {
            handedOver = true;
            try {
                int ignored = (int) LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)).invokeExact(fd);
            } catch (Throwable ignored) {
                // nothing more to do for a socket that never served
            }
        }
    }

    /** {@code sockaddr_in} / {@code sockaddr_in6} in network byte order (macOS: with the leading length byte). */
    private static MemorySegment sockaddr(Arena arena, InetAddress address, int port) {
        byte[] ip = address.getAddress();
        boolean v6 = address instanceof Inet6Address;
        MemorySegment sa = arena.allocate(v6 ? 28 : 16);
        if (MAC) {
            sa.set(ValueLayout.JAVA_BYTE, 0, (byte) sa.byteSize());
            sa.set(ValueLayout.JAVA_BYTE, 1, (byte) (v6 ? AF_INET6 : AF_INET));
        } else {
            sa.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) (v6 ? AF_INET6 : AF_INET)); // host order
        }
        sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
        int at = v6 ? 8 : 4; // sin6_flowinfo (4 bytes) precedes sin6_addr
        for (int i = 0; i < ip.length; i++) {
            sa.set(ValueLayout.JAVA_BYTE, at + i, ip[i]);
        }
        if (v6 && ((Inet6Address) address).getScopeId() != 0) {
            sa.set(ValueLayout.JAVA_INT_UNALIGNED, 24, ((Inet6Address) address).getScopeId());
        }
        return sa;
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }

    private static String strerror(MemorySegment callState) throws Throwable {
        int errno = (int) ERRNO.get(callState, 0L);
        MemorySegment msg = (MemorySegment) LINKER.downcallHandle(LINKER.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT)).invokeExact(errno);
        return msg.reinterpret(1024).getString(0) + " (errno " + errno + ")";
    }

    static String hostPort(InetAddress address, int port) {
        return (address instanceof Inet4Address ? address.getHostAddress() : "[" + address.getHostAddress() + "]") + ":" + port;
    }
}
